import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

const deadlines = new AsyncLocalStorage<number>();

/**
 * The moment (performance.now()) by which every call made within `work` must have ended: a checkout
 * driver's calls end before its lease does, so that nobody takes the checkout over while one of its
 * calls may still be on its way (CheckoutProcess, LeaseFence).
 */
export const withCallDeadline = <T>(deadline: number, work: () => Promise<T>): Promise<T> => deadlines.run(deadline, work);

/** Milliseconds left before the current deadline; Infinity outside any. */
export function msBeforeCallDeadline(): number {
  const deadline = deadlines.getStore();
  return deadline === undefined ? Infinity : deadline - performance.now();
}
