export * from './log-fields';
export * from './spans';
export * from './start-tracing';
export * from './trace-context';
