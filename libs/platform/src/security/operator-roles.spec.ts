import { ExecutionContext, ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { CredentialVerifier } from './credentials';
import { OperatorDirectory } from './operator-directory';
import { OperatorRoleGuard } from './operator-role.guard';
import { OPERATOR_ROLES, OperatorRole, roleAllows } from './operator-roles';
import { Principal } from './principal';

/** A request to a route whose handler carries `role` (none: a read), as Nest hands it to guards. */
function contextOf(request: Record<string, unknown>, role?: OperatorRole): ExecutionContext {
  const handler = () => undefined;
  if (role) Reflect.defineMetadata('platform:operator-role', role, handler);
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => class Route {},
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const operator = (role: OperatorRole): Principal => ({ kind: 'operator', name: `a-${role}`, role });

describe('operator roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
  ] as const)('a %s may do what needs %s: %s', (has, needs, allowed) => {
    expect(roleAllows(has, needs)).toBe(allowed);
  });

  it('lists the roles from least to most', () => {
    expect(OPERATOR_ROLES).toEqual(['viewer', 'operator', 'admin']);
  });
});

describe('OperatorRoleGuard', () => {
  const guard = new OperatorRoleGuard(new Reflector());

  it('admits an operator whose role suffices', () => {
    expect(guard.canActivate(contextOf({ principal: operator('operator') }, 'operator'))).toBe(true);
    expect(guard.canActivate(contextOf({ principal: operator('admin') }, 'operator'))).toBe(true);
  });

  it('refuses with 403 an operator lacking the role, naming the role needed', () => {
    expect(() => guard.canActivate(contextOf({ principal: operator('viewer') }, 'operator'))).toThrow(ForbiddenException);
    expect(() => guard.canActivate(contextOf({ principal: operator('operator') }, 'admin'))).toThrow(/needs the admin role/);
  });

  it('refuses a service or a merchant whatever the role', () => {
    expect(() => guard.canActivate(contextOf({ principal: { kind: 'service', service: 'ops' } }, 'viewer'))).toThrow(ForbiddenException);
  });

  it('needs admin where a route names no role', () => {
    expect(() => guard.canActivate(contextOf({ principal: operator('operator') }))).toThrow(ForbiddenException);
  });
});

describe('AuthGuard with named operators', () => {
  const directory: OperatorDirectory = {
    find: async (credential) => (credential === 'ada-credential' ? { name: 'ada', role: 'viewer' } : undefined),
  };
  const guard = new AuthGuard(new Reflector(), new CredentialVerifier(['bootstrap-token']), directory);
  const bearer = (credential: string) => ({ headers: { authorization: `Bearer ${credential}` } }) as Record<string, unknown>;

  it("leaves a named operator's principal on the request, with its role", async () => {
    const request = bearer('ada-credential');
    await expect(guard.canActivate(contextOf(request))).resolves.toBe(true);
    expect(request.principal).toEqual({ kind: 'operator', name: 'ada', role: 'viewer' });
  });

  it('takes OPS_TOKEN for the bootstrap administrator', async () => {
    const request = bearer('bootstrap-token');
    await guard.canActivate(contextOf(request));
    expect(request.principal).toEqual({ kind: 'operator', name: 'bootstrap', role: 'admin' });
  });

  it('answers 401 for an unknown credential and for none, whatever an X-Operator header says', async () => {
    await expect(guard.canActivate(contextOf({ ...bearer('mallory'), 'x-operator': 'ada' }))).rejects.toThrow(UnauthorizedException);
    await expect(guard.canActivate(contextOf({ headers: { 'x-operator': 'ada' } }))).rejects.toThrow(UnauthorizedException);
  });

  it('admits no named operator where the service has no directory', async () => {
    const plain = new AuthGuard(new Reflector(), new CredentialVerifier(['bootstrap-token']));
    await expect(plain.canActivate(contextOf(bearer('ada-credential')))).rejects.toThrow(UnauthorizedException);
  });
});
