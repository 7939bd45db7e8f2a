import { OPERATOR_ROLE_KEY } from '@app/platform';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { OpsModule } from '../ops.module';
import { OPS_ACTION_CONFIG } from './operator.decorator';

type Class = abstract new (...args: never[]) => unknown;

/** Every controller of Ops' own modules (the platform's dynamic module brings its own, checked in libs/platform). */
function controllersOf(module: Class, seen = new Set<Class>()): Class[] {
  if (seen.has(module)) return [];
  seen.add(module);
  const imports = ((Reflect.getMetadata(MODULE_METADATA.IMPORTS, module) as unknown[]) ?? []).filter(
    (m): m is Class => typeof m === 'function',
  );
  return [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Class[]) ?? []),
    ...imports.flatMap((m) => controllersOf(m, seen)),
  ];
}

const routes = controllersOf(OpsModule).flatMap((controller) =>
  Object.getOwnPropertyNames(controller.prototype)
    .map((name) => ({ name, handler: (controller.prototype as Record<string, unknown>)[name] }))
    .filter(
      ({ name, handler }) =>
        name !== 'constructor' && typeof handler === 'function' && Reflect.getMetadata(PATH_METADATA, handler as object) !== undefined,
    )
    .map(({ name, handler }) => ({
      route: `${controller.name}.${name}`,
      method: Reflect.getMetadata(METHOD_METADATA, handler as object) as RequestMethod,
      role: Reflect.getMetadata(OPERATOR_ROLE_KEY, handler as object) as string | undefined,
      action: (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler as object) as Record<string, unknown> | undefined)?.[
        OPS_ACTION_CONFIG
      ],
    })),
);

/** POSTs that change nothing (a selection too long for a query string): any operator, viewers included, may call them. */
const READS_BY_POST = ['DeadLettersController.replayDryRun'];

describe("Ops' routes", () => {
  it('are found', () => {
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining(['DeadLettersController.replayOne', 'OperatorActionsController.list']),
    );
  });

  it.each(routes.filter((r) => r.method !== RequestMethod.GET && !READS_BY_POST.includes(r.route)).map((r) => [r.route, r]))(
    '%s changes state, so it names the role it needs and the action it is recorded as (@OpsAction)',
    (_, route) => {
      expect(route.role).toMatch(/^(operator|admin)$/);
      expect(route.action).toMatch(/^[a-z-]+\.[a-z-]+$/);
    },
  );

  it('give the roles of the issue: operators replay, archive, skip, pause, resume, rewind and compensate; admins manage consumers', () => {
    const roles = Object.fromEntries(routes.filter((r) => r.action).map((r) => [r.action, r.role]));
    expect(roles).toMatchObject({
      'dead-letter.replay': 'operator',
      'dead-letters.replay': 'operator',
      'dead-letter.archive': 'operator',
      'dead-letter.skip': 'operator',
      'subscription.pause': 'operator',
      'subscription.rewind': 'operator',
      'checkout.compensate': 'operator',
      'subscription.register': 'admin',
      'subscription.remove': 'admin',
      'producer.rebase': 'admin',
    });
  });

  it.each(READS_BY_POST)('%s sends and changes nothing, so it needs no role beyond viewer', (name) => {
    const route = routes.find((r) => r.route === name);
    expect(route).toMatchObject({ method: RequestMethod.POST, role: undefined });
  });
});
