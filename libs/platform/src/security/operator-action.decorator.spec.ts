import { GUARDS_METADATA, HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { OperatorAction } from './operator-action.decorator';
import { OPERATOR_ROLE_KEY, OperatorRoleGuard } from './operator-role.guard';

class Routes {
  @OperatorAction({ role: 'operator', problems: { 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  act() {}

  @OperatorAction({ role: 'admin', status: 201 })
  create() {}
}

// @nestjs/swagger's metadata keys (not exported from its entry point).
const DECORATORS = { API_SECURITY: 'swagger/apiSecurity', API_EXTENSION: 'swagger/apiExtension' };

const metadata = (key: string, method: keyof Routes): unknown => Reflect.getMetadata(key, Routes.prototype[method]);

describe('OperatorAction', () => {
  it("guards the route with the operator's role guard, names the role and documents the bearer scheme", () => {
    expect(metadata(GUARDS_METADATA, 'act')).toEqual([OperatorRoleGuard]);
    expect(metadata(OPERATOR_ROLE_KEY, 'act')).toBe('operator');
    expect(metadata(OPERATOR_ROLE_KEY, 'create')).toBe('admin');
    expect(metadata(DECORATORS.API_SECURITY, 'act')).toEqual([{ bearer: [] }]);
  });

  it('answers 200 unless told it creates', () => {
    expect(metadata(HTTP_CODE_METADATA, 'act')).toBe(200);
    expect(metadata(HTTP_CODE_METADATA, 'create')).toBe(201);
  });

  it('lists its problem codes for the OpenAPI document', () => {
    expect(metadata(DECORATORS.API_EXTENSION, 'act')).toEqual({ 'x-problems': { 404: ['SUBSCRIPTION_NOT_FOUND'] } });
    expect(metadata(DECORATORS.API_EXTENSION, 'create')).toBeUndefined();
  });
});
