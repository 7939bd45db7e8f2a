/** Injection token for the service's broker connection state, read by `/health/ready`. */
export const BROKER_STATUS = Symbol('BROKER_STATUS');

/** Implemented by whatever owns the AMQP connection; absent in services without a broker. */
export interface BrokerStatus {
  isConnected(): boolean;
}
