export * from './configuration-table';
export * from './service-schema';
export * from './setting';
export * from './settings-group';
