import { ServiceName } from '@app/contracts';
import { TestPlatform, metricNamesIn, ruleExpressions } from '@app/testing';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SERVICES: ServiceName[] = ['account', 'merchant', 'fraud', 'payment-provider', 'checkout', 'ops'];
const root = join(__dirname, '..');
/** Made by Prometheus itself for every scrape target (a broker node's included), exported by no service. */
const FROM_PROMETHEUS = new Set(['up']);

/** The series names one scrape shows, a histogram's and a summary's parts included. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') ['_bucket', '_sum', '_count'].forEach((suffix) => names.add(name + suffix));
    if (type === 'summary') ['_sum', '_count'].forEach((suffix) => names.add(name + suffix));
  }
  for (const [, name] of exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)) names.add(name);
  return names;
}

/** Every PromQL expression of the alert rules and of any Grafana dashboard, with where it comes from. */
function expressionsInUse(): { source: string; expression: string }[] {
  const rules = ruleExpressions(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8')).map((expression) => ({
    source: 'deploy/prometheus/alerts.yml',
    expression,
  }));
  const grafana = join(root, 'deploy/grafana');
  const dashboards = existsSync(grafana) ? readdirSync(grafana).filter((file) => file.endsWith('.json')) : [];
  const panels = dashboards.flatMap((file) => {
    const found: string[] = [];
    JSON.parse(readFileSync(join(grafana, file), 'utf8'), (key, value: unknown) => {
      if (key === 'expr' && typeof value === 'string') found.push(value);
      return value;
    });
    return found.map((expression) => ({ source: `deploy/grafana/${file}`, expression }));
  });
  return [...rules, ...panels];
}

/** What an alert or a dashboard reads must exist: a renamed metric would otherwise silence its alert. */
describe('Metrics catalogue', () => {
  let platform: TestPlatform;
  let exported: Map<ServiceName, Set<string>>;

  beforeAll(async () => {
    platform = await TestPlatform.start(SERVICES);
    exported = new Map();
    for (const service of SERVICES) {
      const response = await fetch(`${platform.url(service)}/metrics`);
      expect(response.status).toBe(200);
      exported.set(service, exportedNames(await response.text()));
    }
  });

  afterAll(() => platform?.stop());

  it('exports every metric an alert rule or a dashboard names', () => {
    const all = new Set([...exported.values()].flatMap((names) => [...names]));
    const uses = expressionsInUse();
    expect(uses.length).toBeGreaterThan(10);
    const missing = uses.flatMap(({ source, expression }) =>
      metricNamesIn(expression)
        .filter((name) => !all.has(name) && !FROM_PROMETHEUS.has(name))
        .map((name) => `${source}: ${name} (in ${expression.replace(/\s+/g, ' ')})`),
    );
    expect(missing).toEqual([]);
  });

  it('exports the failure metrics where they arise', () => {
    const consumers: ServiceName[] = ['account', 'merchant', 'fraud', 'checkout'];
    for (const service of consumers) {
      expect([service, exported.get(service)?.has('consumer_dead_letters_total')]).toEqual([service, true]);
      expect([service, exported.get(service)?.has('consumer_retries_total')]).toEqual([service, true]);
    }
    for (const service of SERVICES.filter((name) => name !== 'payment-provider')) {
      expect([service, exported.get(service)?.has('service_dependency_up')]).toEqual([service, true]);
    }
    for (const name of ['ops_dead_letters', 'ops_parked_streams', 'ops_dead_letters_replayed_total', 'ops_unfinished_checkouts']) {
      expect([name, exported.get('ops')?.has(name)]).toEqual([name, true]);
    }
  });

  it('links every alert to a runbook section of the README', () => {
    const rules = readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8');
    const alerts = [...rules.matchAll(/^\s*- alert: (\S+)/gm)].length;
    const links = [...rules.matchAll(/runbook_url: '?README\.md#([\w-]+)/g)].map(([, anchor]) => anchor);
    // GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
    const anchors = new Set(
      [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    expect(links).toHaveLength(alerts);
    expect(links.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });
});
