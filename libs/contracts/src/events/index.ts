export * from './asyncapi-document';
export * from './event-schemas';
export * from './published-schemas';
export * from './schema-compatibility';
export * from './upcaster-chain';
export * from './upcasters';
export * from './upcasting';
export * from './schema-snapshots';
