/** A service of `docker-compose config`'s output, in either of the syntaxes it renders. */
export interface ComposeService {
  profiles?: string[];
  image?: string;
  build?: { target?: string };
  command?: string | string[];
  restart?: string;
  environment?: Record<string, string | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  deploy?: { replicas?: number };
}

export const APPS = ['account', 'merchant', 'checkout', 'fraud', 'ops', 'payment-provider'] as const;

/** Its environment as a map, whichever syntax the renderer chose. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value ?? '']));
}

/** Its named-volume mounts as `source:target[:ro]`. */
export function mountsOf(service: ComposeService): string[] {
  return (service.volumes ?? []).map((volume) =>
    // docker-compose 1.x renders a read-write mount with an explicit `:rw`; read-write is the default.
    typeof volume === 'string' ? volume.replace(/:rw$/, '') : `${volume.source}:${volume.target}${volume.read_only ? ':ro' : ''}`,
  );
}

const conditionOf = (service: ComposeService, on: string): string | undefined => {
  const depends = service.depends_on ?? {};
  return Array.isArray(depends) ? (depends.includes(on) ? 'service_started' : undefined) : depends[on]?.condition;
};

const commandOf = (service: ComposeService): string =>
  Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');

/**
 * What keeps the `platform` profile from running as provisioned, one line each: no one-shot
 * provisioning, a service handed settings that are not only its own, loopback listeners, the
 * superuser, `trust` or `guest`, a fixed Erlang cookie. `secrets` are the values the renderer was
 * given for the deployment's required secrets.
 */
export function platformProblems(services: Record<string, ComposeService>, secrets: { erlangCookie: string }): string[] {
  const problems: string[] = [];
  const provision = services.provision;
  if (!provision) problems.push('no `provision` service');
  else {
    if (!provision.profiles?.includes('platform')) problems.push('provision is not in the platform profile');
    if (provision.build?.target !== 'provision') problems.push('provision is not built from the Dockerfile target `provision`');
    if (provision.restart && provision.restart !== 'no') problems.push(`provision restarts (${provision.restart}): it is one-shot`);
    for (const server of ['postgres', 'rabbitmq'])
      if (conditionOf(provision, server) !== 'service_healthy') problems.push(`provision does not wait for a healthy ${server}`);
  }
  for (const app of APPS) {
    const service = services[app];
    if (!service) {
      problems.push(`no ${app} service`);
      continue;
    }
    const env = environmentOf(service);
    if (conditionOf(service, 'provision') !== 'service_completed_successfully')
      problems.push(`${app} does not wait for provision to complete`);
    if (env.HOST !== '0.0.0.0')
      problems.push(`${app} listens on ${env.HOST ?? 'loopback (HOST unset)'}, not 0.0.0.0: the load balancer cannot reach it`);
    // Set in compose, a connection or key would override the service's provisioned file (the environment wins).
    for (const name of [
      'DATABASE_URL',
      'AMQP_URL',
      'OPS_TOKEN',
      'SERVICE_SIGNING_KEY',
      'SERVICE_TOKEN',
      'AUTH_PUBLIC_KEYS',
      'MERCHANT_KEY_SIGNING_KEY',
    ])
      if (name in env) problems.push(`${app} is given ${name} by compose, not by its provisioned settings`);
    const own = `${app}-settings:/run/platform:ro`;
    const settingsMounts = mountsOf(service).filter((mount) => /-settings:/.test(mount) || mount.startsWith('provision-state:'));
    if (settingsMounts.join() !== own)
      problems.push(`${app} mounts ${settingsMounts.join(', ') || 'no settings'}, not only its own ${own}`);
    if (!commandOf(service).includes('--env-file=/run/platform/service.env')) problems.push(`${app} does not load its settings file`);
  }
  if (provision) {
    const mounts = mountsOf(provision);
    for (const app of APPS)
      if (!mounts.includes(`${app}-settings:/settings/${app}`)) problems.push(`provision does not write ${app}'s settings volume`);
  }
  for (const [name, service] of Object.entries(services)) {
    const env = environmentOf(service);
    for (const [variable, value] of Object.entries(env)) {
      if (/guest/i.test(value)) problems.push(`${name}: ${variable} uses the guest user`);
      if (/postgres(ql)?:\/\/postgres[:@]/.test(value) && name !== 'provision')
        problems.push(`${name}: ${variable} connects as the PostgreSQL superuser`);
      if (/^ADMIN_/.test(variable) && name !== 'provision') problems.push(`${name} holds the administrator's ${variable}`);
    }
    if (/trust/i.test(`${env.POSTGRES_HOST_AUTH_METHOD ?? ''} ${env.POSTGRES_INITDB_ARGS ?? ''}`))
      problems.push(`${name}: PostgreSQL trusts connections`);
    // A tag moves; a digest is the image that was reviewed.
    if (service.image && !/@sha256:[0-9a-f]{64}$/.test(service.image))
      problems.push(`${name}: image ${service.image} is not pinned by digest`);
    if ((service.image ?? '').startsWith('postgres') && !env.POSTGRES_PASSWORD) problems.push(`${name}: no administrator password`);
    if ((service.image ?? '').startsWith('rabbitmq')) {
      if (env.RABBITMQ_ERLANG_COOKIE !== secrets.erlangCookie)
        problems.push(`${name}: the Erlang cookie is not this deployment's (${env.RABBITMQ_ERLANG_COOKIE ?? 'unset'})`);
      if (!env.RABBITMQ_DEFAULT_USER || env.RABBITMQ_DEFAULT_USER === 'guest') problems.push(`${name}: the administrator is guest`);
    }
  }
  return problems;
}
