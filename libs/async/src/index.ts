export * from './backoff';
export * from './keyed-serial-queue';
export * from './tick-batch';
export * from './wake-signal';
