import { Answer, send } from '../../support/http';

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
      const answer = await send<T>(baseUrl, method, path, body, headers);
      if (answer.status < 500) return answer;
    } catch {
      // Connection cut: the caller cannot know whether it arrived, so it asks again.
    }
    await sleep(250);
  }
  return undefined;
}
