export * from './command-metadata';
// The engine stays inside the lib: services reach it through defineAggregate and provideAggregate.
export type { CommandResult, ExecuteCall } from './command-path';
export * from './commit-signal';
export * from './event-store';
export * from './event-store.migration';
export * from './recorded-event';
export * from './snapshot-store';
export * from './state-cache';
export * from './upcast-recorded';
export * from './aggregate';
export * from './aggregate.provider';
export * from './new-stream-path';
