// The test installation's settings, before any spec module loads (each spec file has its own
// process.env, handed on to the service processes and provisioning it starts). Short retry tiers:
// a message that runs out of attempts is dead-lettered in about 1 s instead of 36 s. Set
// RETRY_TIERS to run the suite with other tiers (e.g. production's, 250ms,1s,5s,30s).
export const TEST_RETRY_TIERS = '50ms,100ms,200ms,400ms';

process.env.RETRY_TIERS ||= TEST_RETRY_TIERS;
