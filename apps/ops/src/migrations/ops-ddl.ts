/** The tables of the Ops schema: drained dead letters, operator actions and the audit log. */
export function opsDdl(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `CREATE TABLE ${s}.dead_letters (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       queue text NOT NULL,
       message_id text NOT NULL,
       type text,
       headers jsonb NOT NULL DEFAULT '{}',
       properties jsonb NOT NULL DEFAULT '{}',
       body bytea NOT NULL,
       error_code text NOT NULL,
       error_message text NOT NULL DEFAULT '',
       attempts int NOT NULL,
       first_failed_at timestamptz NOT NULL,
       last_failed_at timestamptz NOT NULL,
       times_dead_lettered int NOT NULL DEFAULT 1,
       status text NOT NULL DEFAULT 'dead' CONSTRAINT dead_letters_status_check
         CHECK (status IN ('dead', 'replayed', 'archived', 'superseded')),
       replay_count int NOT NULL DEFAULT 0,
       replay_claimed_at timestamptz,
       last_replayed_at timestamptz,
       last_replayed_by text,
       archived_at timestamptz,
       archived_by text,
       edit_of bigint REFERENCES ${s}.dead_letters (id) ON DELETE SET NULL,
       origin_message_id text,
       superseded_at timestamptz,
       superseded_by text,
       received_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT dead_letters_queue_message UNIQUE (queue, message_id)
     )`,
    `CREATE INDEX dead_letters_status_id ON ${s}.dead_letters (status, id)`,
    `CREATE INDEX dead_letters_groups ON ${s}.dead_letters (queue, type, error_code, id) WHERE status = 'dead'`,
    ...deadLetterSearchIndexes(s),
    `CREATE TABLE ${s}.operator_actions (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       at timestamptz NOT NULL DEFAULT now(),
       actor text NOT NULL,
       action text NOT NULL,
       target text NOT NULL,
       dead_letter_id bigint REFERENCES ${s}.dead_letters (id) ON DELETE SET NULL,
       detail jsonb NOT NULL DEFAULT '{}'
     )`,
    `CREATE INDEX operator_actions_dead_letter ON ${s}.operator_actions (dead_letter_id, id) WHERE dead_letter_id IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS operator_actions_at ON ${s}.operator_actions (at)`,
    `CREATE TABLE ${s}.audit_events (
       event_id uuid PRIMARY KEY,
       producer text NOT NULL,
       stream_id text NOT NULL,
       stream_version int NOT NULL,
       type text NOT NULL,
       schema_version int NOT NULL,
       global_position bigint NOT NULL,
       occurred_at timestamptz NOT NULL,
       data jsonb NOT NULL,
       metadata jsonb NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now()
     )`,
    // Newest first, with the producer's position breaking ties between events of one transaction.
    `CREATE INDEX audit_events_newest ON ${s}.audit_events (occurred_at DESC, global_position DESC, event_id DESC)`,
    `CREATE INDEX audit_events_stream ON ${s}.audit_events (stream_id, occurred_at DESC)`,
    `CREATE INDEX audit_events_type ON ${s}.audit_events (type, occurred_at DESC)`,
    `CREATE INDEX audit_events_producer ON ${s}.audit_events (producer)`,
  ];
}

/**
 * Time-range search and retention read `last_failed_at` and `updated_at`; edits and retries find a
 * copy by the row it replaces. `IF NOT EXISTS`: the edit migration adds them to older installs.
 */
export function deadLetterSearchIndexes(s: string): string[] {
  return [
    `CREATE INDEX IF NOT EXISTS dead_letters_last_failed ON ${s}.dead_letters (last_failed_at, id)`,
    `CREATE INDEX IF NOT EXISTS dead_letters_resolved ON ${s}.dead_letters (updated_at) WHERE status <> 'dead'`,
    `CREATE INDEX IF NOT EXISTS dead_letters_edit_of ON ${s}.dead_letters (edit_of) WHERE edit_of IS NOT NULL`,
  ];
}
