import { TEST_OPS_TOKEN } from '@app/testing';

export interface Answer<T = any> {
  status: number;
  contentType: string;
  headers: Headers;
  body: T;
}

/** The operator's credential, accepted by every service for every route. */
export const operatorHeaders = (): Record<string, string> => ({ authorization: `Bearer ${TEST_OPS_TOKEN}` });

/** Calls a service over HTTP as the operator, the way an end-to-end spec's caller would; reads JSON answers. */
export async function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...operatorHeaders(),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const body = contentType.includes('json') && text ? JSON.parse(text) : text;
  return { status: response.status, contentType, headers: response.headers, body };
}
