export * from './backoff';
export * from './keyed-serial-queue';
