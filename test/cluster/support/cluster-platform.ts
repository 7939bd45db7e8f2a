import { ServiceName, serviceUrlVariable } from '@app/contracts';
import { ServiceInstance, TestPlatform } from '@app/testing';
import { LoadBalancer } from './load-balancer';
import { clusterBroker, ensureCluster } from './rabbitmq-cluster';

/** Our own services, each run as two instances; the payment provider is an outside party's simulator. */
export const SCALED: ServiceName[] = ['account', 'merchant', 'fraud', 'checkout', 'ops'];
const ORDER: ServiceName[] = ['payment-provider', 'account', 'merchant', 'fraud', 'checkout', 'ops'];

/** One running process of a service: the platform's first, or a further instance. */
export interface Replica {
  service: ServiceName;
  url: string;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  restart(): Promise<void>;
}

/**
 * The platform scaled out on real engines: the 3-node RabbitMQ cluster, `instances` processes of
 * every service sharing that service's database, and a load balancer in front of each service
 * through which callers and the services themselves reach it.
 */
export class ClusterPlatform {
  private constructor(
    readonly platform: TestPlatform,
    private readonly balancers: Map<ServiceName, LoadBalancer>,
    readonly replicas: Map<ServiceName, Replica[]>,
  ) {}

  static async start(instances = 2, extraEnv: NodeJS.ProcessEnv = {}): Promise<ClusterPlatform> {
    ensureCluster();
    const balancers = new Map<ServiceName, LoadBalancer>();
    for (const service of ORDER) balancers.set(service, await new LoadBalancer().listen());
    const viaBalancers = Object.fromEntries(ORDER.map((service) => [serviceUrlVariable(service), balancers.get(service)!.url]));
    let platform: TestPlatform | undefined;
    const replicas = new Map<ServiceName, Replica[]>();
    try {
      platform = await TestPlatform.start(ORDER, { ...viaBalancers, ...extraEnv }, clusterBroker());
      for (const service of ORDER) {
        const first = platform;
        replicas.set(service, [
          {
            service,
            url: first.url(service),
            stop: (signal) => first.stopService(service, signal),
            restart: () => first.startService(service),
          },
        ]);
        balancers.get(service)!.setBackends([first.url(service)]);
      }
      for (const service of SCALED) {
        for (let i = 1; i < instances; i++) replicas.get(service)!.push(await startReplica(platform, service));
        balancers.get(service)!.setBackends(replicas.get(service)!.map((replica) => replica.url));
      }
    } catch (error) {
      await platform?.stop();
      await Promise.all([...balancers.values()].map((balancer) => balancer.close()));
      throw error;
    }
    return new ClusterPlatform(platform, balancers, replicas);
  }

  /** The service's address behind its load balancer, as a caller sees it. */
  url(service: ServiceName): string {
    return this.balancers.get(service)!.url;
  }

  /** Starts a stopped replica again and tells the balancer where it now listens. */
  async restart(replica: Replica): Promise<void> {
    await replica.restart();
    this.balancers.get(replica.service)!.setBackends(this.replicas.get(replica.service)!.map((r) => r.url));
  }

  get vhost(): string {
    return this.platform.vhost;
  }

  async stop(): Promise<void> {
    await Promise.all(
      SCALED.flatMap((service) =>
        this.replicas
          .get(service)!
          .slice(1)
          .map((replica) => replica.stop()),
      ),
    );
    await this.platform.stop();
    await Promise.all([...this.balancers.values()].map((balancer) => balancer.close()));
  }
}

/** A further instance on a port of its own; restarting it gives it a new port, which the balancer learns. */
async function startReplica(platform: TestPlatform, service: ServiceName): Promise<Replica> {
  let instance: ServiceInstance = await platform.startInstance(service);
  const replica: Replica = {
    service,
    url: instance.url,
    stop: (signal) => instance.stop(signal),
    restart: async () => {
      instance = await platform.startInstance(service);
      replica.url = instance.url;
    },
  };
  return replica;
}
