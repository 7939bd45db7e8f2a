import { DeadLetterDetail } from '../dead-letter.repository';

/** A message body as text when it is UTF-8, else as base64. */
export function bodyAsText(body: Buffer): string {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? text : body.toString('base64');
}

/** A dead letter as the API shows it: the body as text when it is UTF-8, else base64. */
export function toDeadLetterView(detail: DeadLetterDetail) {
  const { body, ...rest } = detail;
  const text = bodyAsText(body);
  const isText = text === body.toString('utf8') && Buffer.from(text, 'utf8').equals(body);
  return { ...rest, body: text, bodyEncoding: isText ? 'utf8' : 'base64' };
}
