import { TEST_OPS_TOKEN } from '@app/testing';
import { Agent, request } from 'node:http';

/** An answer as a spec sees it: the status, the media type (without parameters), the headers, and the body (JSON parsed, else text). */
export interface Answer<T = any> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

/** The operator's credential, accepted by every service for every route. */
export const operatorHeaders = (): Record<string, string> => ({ authorization: `Bearer ${TEST_OPS_TOKEN}` });

/** Headers that send a request without any credential: a header given as undefined is left out. */
export const anonymous: Record<string, undefined> = { authorization: undefined };

/** One keep-alive agent for every call a spec or benchmark makes, so the client is never the bottleneck. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Calls a service of the platform the way an end-to-end spec's caller would: as the operator
 * (unless `headers` name another credential, or `anonymous`), with `body` as JSON, or as it is
 * when it is a string (so malformed JSON can be sent too). Answers with any status.
 */
export async function send<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<Answer<T>> {
  try {
    return await sendOnce<T>(baseUrl, method, path, body, headers);
  } catch (error) {
    // A pooled connection the server closed as idle just as it was reused: the request never arrived.
    if ((error as { reusedSocket?: boolean }).reusedSocket) return sendOnce<T>(baseUrl, method, path, body, headers);
    throw error;
  }
}

function sendOnce<T>(
  baseUrl: string,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string | undefined>,
): Promise<Answer<T>> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const given = {
    ...operatorHeaders(),
    ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
    ...headers,
  };
  const sent = Object.fromEntries(Object.entries(given).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: sent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = String(res.headers['content-type'] ?? '')
            .split(';')[0]
            .trim();
          resolve({ status: res.statusCode ?? 0, contentType, headers: headersOf(res.headers), body: parse(text, contentType) as T });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(Object.assign(error, { reusedSocket: req.reusedSocket && error.code === 'ECONNRESET' })),
    );
    req.end(payload);
  });
}

/** JSON when the answer says so and parses; an empty answer is `{}`, any other its text. */
function parse(text: string, contentType: string): unknown {
  if (!text) return {};
  if (!contentType.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw))
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  return headers;
}

/** Closes the shared connections so a spec or benchmark can exit. */
export const closeConnections = (): void => agent.destroy();

/** The body of an answer that must have `status`; otherwise fails, saying what came instead. */
export function bodyOf<T = any>(answer: Answer, status: number): T {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as T;
}
