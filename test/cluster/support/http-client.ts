import { TEST_OPS_TOKEN } from '@app/testing';
import { Answer, send } from '../../support/http';

/** Every call a cluster spec makes carries the operator's credential (accepted by every route). */
export const call = <T = Record<string, any>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> => send<T>(baseUrl, method, path, body, { authorization: `Bearer ${TEST_OPS_TOKEN}`, ...headers });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends a request the way a careful caller does: the same request again (same idempotency key or
 * transaction id) after a network error or a 5xx, until an answer that is not one or `deadlineMs`.
 * Only that final answer counts as acknowledged.
 */
export async function callUntilAnswered<T = Record<string, any>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  deadlineMs = 60_000,
): Promise<Answer<T> | undefined> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const answer = await call<T>(baseUrl, method, path, body, headers);
      if (answer.status < 500) return answer;
    } catch {
      // Connection cut: the caller cannot know whether it arrived, so it asks again.
    }
    await sleep(250);
  }
  return undefined;
}
