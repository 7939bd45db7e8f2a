import { DeadLetterDetail } from '../dead-letter.repository';

/** A dead letter as the API shows it: the body as text when it is UTF-8, else base64. */
export function toDeadLetterView(detail: DeadLetterDetail) {
  const { body, ...rest } = detail;
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  return { ...rest, body: isText ? text : body.toString('base64'), bodyEncoding: isText ? 'utf8' : 'base64' };
}
