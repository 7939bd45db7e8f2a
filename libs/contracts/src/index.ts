export * from './catalog';
export * from './envelope';
export * from './ports';
export * from './routing';
export * from './retry-policy';
export * from './unfinished-checkouts';
export * from './events';
