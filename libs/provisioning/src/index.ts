export * from './auth-material';
export * from './broker-provisioning';
export * from './consumer-provisioning';
export * from './database-provisioning';
export * from './principals';
export * from './provision';
export * from './operator-provisioning';
export * from './provisioning.settings';
