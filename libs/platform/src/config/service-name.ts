/** The service's name (its schema, its broker connection's name, the producer its relay serves); PlatformModule provides it. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
