import { ServiceName, queueName, routesFrom, routesTo } from '@app/contracts';

/** The services that own a database and a broker user (the payment-provider simulator has neither). */
export const DATA_SERVICES = ['account', 'merchant', 'checkout', 'fraud', 'ops'] as const;
export type DataService = (typeof DATA_SERVICES)[number];

/** How one installation names its databases, roles, virtual host and broker users. */
export interface InstallationNames {
  /** Prefix of each database and role, e.g. `platform_` gives `platform_account`. */
  prefix: string;
  /** The RabbitMQ virtual host every service shares. */
  vhost: string;
}

export const DEFAULT_INSTALLATION: InstallationNames = { prefix: 'platform_', vhost: 'platform' };

/** Who a service is on the servers: its database, role and broker user. */
export interface ServicePrincipal {
  service: DataService;
  database: string;
  role: string;
  brokerUser: string;
}

export const principalOf = (service: DataService, names: InstallationNames): ServicePrincipal => ({
  service,
  database: `${names.prefix}${service}`,
  role: `${names.prefix}${service}`,
  brokerUser: `${names.prefix}${service}`.replace(/_/g, '-'),
});

/** Every consumer queue of the routing table. */
export const platformQueues = (): string[] => DATA_SERVICES.flatMap((service) => consumedQueues(service));

/** The main queues `service` consumes. */
export const consumedQueues = (service: ServiceName): string[] => routesTo(service).map((r) => queueName(r.consumer, r.producer));

export const isProducer = (service: ServiceName): boolean => routesFrom(service).length > 0;
