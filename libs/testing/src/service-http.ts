import { TEST_OPS_TOKEN } from './platform-processes';

/** An answer as a spec sees it: the status, the media type (without parameters) and the parsed JSON body (undefined when not JSON). */
export interface ServiceAnswer<Body = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: Body;
}

/**
 * Calls a service the way an operator would: every request carries the operator's bearer token,
 * so specs keep working once every route requires a credential.
 *
 * @deprecated End-to-end specs and benchmarks call services through `send` of test/support/http.ts,
 * the one HTTP helper of the test tree. Kept only so that specs written against it keep compiling
 * while they move; remove once nothing imports it.
 */
export async function callService<Body = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ServiceAnswer<Body>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TEST_OPS_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, contentType: (response.headers.get('content-type') ?? '').split(';')[0].trim(), body: parsed as Body };
}
