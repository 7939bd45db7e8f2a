/** What a named operator may do; each role may do everything the roles before it may. */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** The name OPS_TOKEN's holder acts under: the bootstrap administrator of an installation. */
export const BOOTSTRAP_OPERATOR = 'bootstrap';

export const isOperatorRole = (value: unknown): value is OperatorRole => OPERATOR_ROLES.includes(value as OperatorRole);

/**
 * Whether an operator of role `has` may do what needs `needs`: a viewer reads; an operator also
 * replays, archives, pauses, rewinds and compensates; an admin also manages consumers and keys.
 */
export const roleAllows = (has: OperatorRole, needs: OperatorRole): boolean => OPERATOR_ROLES.indexOf(has) >= OPERATOR_ROLES.indexOf(needs);

/** A plain operator name: it appears in audit rows and log lines, so no spaces, quotes or control characters. */
export const OPERATOR_NAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
