import { GUARDS_METADATA, HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { OperatorAction } from './operator-action.decorator';
import { OpsTokenGuard } from './ops-token.guard';

class Routes {
  @OperatorAction({ problems: { 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  act() {}

  @OperatorAction({ status: 201 })
  create() {}
}

// @nestjs/swagger's metadata keys (not exported from its entry point).
const DECORATORS = { API_SECURITY: 'swagger/apiSecurity', API_EXTENSION: 'swagger/apiExtension' };

const metadata = (key: string, method: keyof Routes): unknown => Reflect.getMetadata(key, Routes.prototype[method]);

describe('OperatorAction', () => {
  it("guards the route with the operator's guard and documents the bearer scheme", () => {
    expect(metadata(GUARDS_METADATA, 'act')).toEqual([OpsTokenGuard]);
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
