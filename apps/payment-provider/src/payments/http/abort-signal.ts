import type { Response } from 'express';

/** Aborts when the caller hangs up before the answer was sent, so held calls end with it. */
export function signalOfCaller(res: Response): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
