import { TestPlatform } from '@app/testing';
import { Answer, send } from './http';

/** Account alone, as the describe block that calls `accountService()` sees it. */
export interface AccountService {
  /** The running platform (its URL and database), once the block's `beforeAll` ran. */
  platform(): TestPlatform;
  /** Calls Account as `send` does (the operator's credential unless `headers` say otherwise). */
  account<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string | undefined>): Promise<Answer<T>>;
}

/** Starts Account on an installation of its own for the calling describe block, and stops it after. */
export function accountService(): AccountService {
  let platform: TestPlatform | undefined;
  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
  });
  afterAll(async () => {
    await platform?.stop();
  });
  const running = (): TestPlatform => {
    if (!platform) throw new Error('Account is not running: call accountService() inside a describe block');
    return platform;
  };
  return {
    platform: running,
    account: (method, path, body, headers = {}) => send(running().url('account'), method, path, body, headers),
  };
}
