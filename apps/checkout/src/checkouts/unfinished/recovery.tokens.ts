/** The injection token of the checkout's RecoveryOptions. */
export const RECOVERY_OPTIONS = Symbol('RECOVERY_OPTIONS');
