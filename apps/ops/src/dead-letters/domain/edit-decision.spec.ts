import { decideEdit } from './edit-decision';

const event = (data: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ eventId: 'e-1', type: 'LimitUpdated', schemaVersion: 1, streamId: 'account-1', streamVersion: 2, data, ...overrides });
const original = { messageId: 'e-1', body: Buffer.from(event({ newLimit: -5 })) };
/** A stand-in for the consumer's check: newLimit must not be negative. */
const contract = (content: Buffer) =>
  ((JSON.parse(content.toString()) as { data?: { newLimit?: number } }).data?.newLimit ?? 0) < 0 ? 'data/newLimit must be >= 0' : undefined;

/** given a dead letter, when an operator submits an edited body, then the decision. */
const given = (deadLetter: { messageId: string; body: Buffer }) => ({
  whenEditedTo: (text: string) => ({ then: (expected: unknown) => expect(decideEdit(deadLetter, text, contract)).toEqual(expected) }),
});

describe('an edit of a dead letter', () => {
  it('accepts a corrected body that passes the contract check, as its UTF-8 bytes', () => {
    const text = event({ newLimit: 5 });
    given(original)
      .whenEditedTo(text)
      .then({ accepted: true, body: Buffer.from(text) });
  });

  it('refuses a body the consumer would refuse, with the check’s words', () => {
    given(original)
      .whenEditedTo(event({ newLimit: -1 }))
      .then({ accepted: false, problems: ['data/newLimit must be >= 0'] });
  });

  it('refuses making it another event: every identity field changed is named', () => {
    given(original)
      .whenEditedTo(event({ newLimit: 5 }, { eventId: 'e-2', streamVersion: 3 }))
      .then({
        accepted: false,
        problems: [
          'eventId must stay "e-1": an edit corrects an event, it cannot make another one',
          'streamVersion must stay 2: an edit corrects an event, it cannot make another one',
        ],
      });
  });

  it('repairs a malformed message only under its own message id', () => {
    const malformed = { messageId: 'e-1', body: Buffer.from('{"eventId": "e-1", "ty') };
    given(malformed)
      .whenEditedTo(event({ newLimit: 5 }))
      .then({ accepted: true, body: Buffer.from(event({ newLimit: 5 })) });
    given(malformed)
      .whenEditedTo(event({ newLimit: 5 }, { eventId: 'e-9' }))
      .then({ accepted: false, problems: ['eventId must be the dead letter\'s message id "e-1"'] });
  });

  it('refuses an unchanged body: that is a replay, not an edit', () => {
    given({ messageId: 'e-1', body: Buffer.from(event({ newLimit: 5 })) })
      .whenEditedTo(event({ newLimit: 5 }))
      .then({ accepted: false, problems: ['the body is unchanged: replay the dead letter instead'] });
  });
});
