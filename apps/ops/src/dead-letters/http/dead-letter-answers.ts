import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['dead', 'replayed', 'archived', 'superseded'];

/** A dead letter without its message. */
export class DeadLetterSummaryAnswer {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ example: 'fraud.account-events' }) queue: string;
  @ApiProperty() messageId: string;
  @ApiProperty({ type: String, nullable: true, description: 'null for messages without a type' }) type: string | null;
  @ApiProperty({ example: 'SCHEMA_VIOLATION' }) errorCode: string;
  @ApiProperty() errorMessage: string;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: 'integer' }) timesDeadLettered: number;
  @ApiProperty({ format: 'date-time' }) firstFailedAt: string;
  @ApiProperty({ format: 'date-time' }) lastFailedAt: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ type: 'integer' }) replayCount: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastReplayedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) lastReplayedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) archivedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) archivedBy: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The dead letter this one is an edited copy of' }) editOf: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) supersededAt: string | null;
  @ApiProperty({ type: String, nullable: true }) supersededBy: string | null;
}

export class DeadLetterPageAnswer {
  @ApiProperty({ type: [DeadLetterSummaryAnswer] }) items: DeadLetterSummaryAnswer[];
  @ApiProperty({ type: 'integer', description: 'How many match the filter' }) total: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as after for the next page; null on the last' }) nextAfter:
    number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' }) nextCursor:
    string | null;
}

export class DeadLetterHistoryAnswer {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() actor: string;
  @ApiProperty({ example: 'replay' }) action: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'For an edit: messageId, editedId, editedMessageId, originalBody and editedBody',
  })
  detail: Record<string, unknown>;
}

/** One dead letter with its message and what operators did with it. */
export class DeadLetterAnswer extends DeadLetterSummaryAnswer {
  @ApiProperty({ type: 'object', additionalProperties: true }) headers: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) properties: Record<string, unknown>;
  @ApiProperty({ description: 'The message body, as text when it is UTF-8, else base64' }) body: string;
  @ApiProperty({ enum: ['utf8', 'base64'] }) bodyEncoding: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The edited copy that superseded this one' }) editedInto: number | null;
  @ApiProperty({ type: [DeadLetterHistoryAnswer] }) history: DeadLetterHistoryAnswer[];
}

/** Edit and retry: the original, now superseded, and its edited copy, replayed. */
export class EditOutcomeAnswer {
  @ApiProperty({ type: DeadLetterAnswer }) original: DeadLetterAnswer;
  @ApiProperty({ type: DeadLetterAnswer }) edited: DeadLetterAnswer;
}

export class DryRunGroupAnswer {
  @ApiProperty() queue: string;
  @ApiProperty({ type: String, nullable: true }) type: string | null;
  @ApiProperty() code: string;
  @ApiProperty({ type: 'integer' }) count: number;
}

/** What a replay would send, sending nothing. */
export class ReplayDryRunAnswer {
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ type: 'integer', description: 'Dead letters selected' }) requested: number;
  @ApiProperty({ type: 'integer', description: 'Messages the replay would send, those parked behind a blocker included' })
  wouldReplay: number;
  @ApiProperty({ type: [DryRunGroupAnswer] }) groups: DryRunGroupAnswer[];
}

export class DeadLetterGroupAnswer {
  @ApiProperty() queue: string;
  @ApiProperty({ type: String, nullable: true }) type: string | null;
  @ApiProperty() code: string;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ format: 'date-time' }) firstFailedAt: string;
  @ApiProperty({ format: 'date-time' }) lastFailedAt: string;
  @ApiProperty() sampleError: string;
}

export class SkippedDeadLetterAnswer {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ example: 'already archived' }) reason: string;
}

export class ReplayOutcomeAnswer {
  @ApiProperty({ type: 'integer' }) requested: number;
  @ApiProperty({ type: 'integer' }) replayed: number;
  @ApiProperty({ type: [SkippedDeadLetterAnswer], description: 'Unknown or no longer dead' }) skipped: SkippedDeadLetterAnswer[];
  @ApiProperty({ type: [SkippedDeadLetterAnswer], description: 'Not taken by the broker; they stay dead' })
  failed: SkippedDeadLetterAnswer[];
}

export class ArchiveOutcomeAnswer {
  @ApiProperty({ type: 'integer' }) requested: number;
  @ApiProperty({ type: 'integer' }) archived: number;
  @ApiProperty({ type: [SkippedDeadLetterAnswer], description: 'Unknown or no longer dead' }) skipped: SkippedDeadLetterAnswer[];
}

/** The dead letter a stream is parked behind; its fields are null when Ops has not stored it (yet). */
export class ParkedBlockerAnswer {
  @ApiProperty({ type: 'integer', nullable: true }) id: number | null;
  @ApiProperty() messageId: string;
  @ApiProperty({ type: String, nullable: true }) type: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) version: number | null;
  @ApiProperty({ enum: STATUSES, nullable: true }) status: string | null;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true }) errorMessage: string | null;
}

/** A stream a consumer holds behind a dead letter, with the versions parked behind it. */
export class ParkedStreamAnswer {
  @ApiProperty({ example: 'fraud.account-events' }) queue: string;
  @ApiProperty() streamId: string;
  @ApiProperty({ type: 'integer' }) parked: number;
  @ApiProperty({ type: 'integer', isArray: true }) parkedVersions: number[];
  @ApiProperty({ format: 'date-time' }) parkedSince: string;
  @ApiProperty({ type: ParkedBlockerAnswer }) blocker: ParkedBlockerAnswer;
}
