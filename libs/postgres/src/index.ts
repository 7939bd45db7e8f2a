export * from './connection-safety';
export * from './election-clock';
export * from './election-machine';
export * from './election-registry';
export * from './election-session';
export * from './leader-election';
