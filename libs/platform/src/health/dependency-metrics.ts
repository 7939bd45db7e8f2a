import { Gauge, register } from 'prom-client';

/** How a service reaches one of its dependencies, probed at scrape time. */
export type DependencyProbe = () => Promise<boolean> | boolean;

const NAME = 'service_dependency_up';

/**
 * `service_dependency_up{dependency="database"|"broker"}`: 1 when this process reaches it now, 0
 * when not. Probed at scrape time, so the value is never older than the scrape. A service without
 * a database or broker exports no series for it. The label set is the fixed set of dependencies.
 */
export function registerDependencyMetrics(probes: Record<string, DependencyProbe | undefined>): void {
  register.removeSingleMetric(NAME);
  new Gauge({
    name: NAME,
    help: '1 when this process reaches the dependency (database, broker) at scrape time, else 0',
    labelNames: ['dependency'],
    async collect() {
      this.reset();
      for (const [dependency, probe] of Object.entries(probes)) {
        if (!probe) continue;
        const up = await Promise.resolve()
          .then(probe)
          .catch(() => false);
        this.set({ dependency }, up ? 1 : 0);
      }
    },
  });
}
