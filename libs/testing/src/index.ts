export * from './decider-spec';
export * from './fixtures';
export * from './platform-processes';
export * from './service-http';
