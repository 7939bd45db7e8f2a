export * from './fixtures';
export * from './platform-processes';
export * from './silent-proxy';
export * from './private-postgres';
export * from './consumer-progress';
export * from './service-http';
export * from './spec-log';
export * from './promql-metric-names';
