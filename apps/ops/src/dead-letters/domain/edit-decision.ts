/** The fields that say which event a message is: an edit may correct its data, never make it another event. */
export const IDENTITY_FIELDS = ['eventId', 'type', 'schemaVersion', 'streamId', 'streamVersion'] as const;

export interface EditableDeadLetter {
  messageId: string;
  body: Buffer;
}

export type EditDecision = { accepted: true; body: Buffer } | { accepted: false; problems: string[] };

const objectOf = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Decides whether an operator's edited body may be sent in place of a dead letter's. It must pass
 * `contractProblem`, the consumer's own envelope and schema check (so the edit is judged against
 * the schema version it carries, as the consumer will judge it), and stay the same event: the
 * identity fields of an original that parses keep their values, and the event id of one that does
 * not (a malformed message) is its message id. Anything else would let the consumer apply an event
 * nobody appended.
 */
export function decideEdit(
  original: EditableDeadLetter,
  editedText: string,
  contractProblem: (content: Buffer) => string | undefined,
): EditDecision {
  const body = Buffer.from(editedText, 'utf8');
  const problem = contractProblem(body);
  if (problem !== undefined) return { accepted: false, problems: [problem] };
  const edited = objectOf(editedText)!;
  const before = objectOf(original.body.toString('utf8'));
  const problems = before
    ? IDENTITY_FIELDS.filter((field) => before[field] !== undefined && edited[field] !== before[field]).map(
        (field) => `${field} must stay ${JSON.stringify(before[field])}: an edit corrects an event, it cannot make another one`,
      )
    : edited.eventId === original.messageId
      ? []
      : [`eventId must be the dead letter's message id ${JSON.stringify(original.messageId)}`];
  if (body.equals(original.body)) problems.push('the body is unchanged: replay the dead letter instead');
  return problems.length > 0 ? { accepted: false, problems } : { accepted: true, body };
}
