export * from './command-metadata';
export * from './command-path';
export * from './commit-signal';
export * from './event-store';
export * from './event-store.migration';
export * from './recorded-event';
export * from './snapshot-store';
export * from './state-cache';
