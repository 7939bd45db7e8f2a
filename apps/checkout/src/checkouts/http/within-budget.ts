/**
 * `work`'s result if it settles within `budgetMs`, else undefined; `work` goes on either way and a
 * late failure is left to whoever records it (the checkout process schedules its next attempt).
 */
export async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const spent = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budgetMs)));
  work.catch(() => undefined);
  try {
    return await Promise.race([work, spent]);
  } finally {
    clearTimeout(timer);
  }
}
