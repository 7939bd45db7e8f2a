import { OperatorAction, OperatorActionOptions } from '@app/platform';
import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** Names the operator in the audit of their actions; every caller shares the one token. */
export const OPERATOR_HEADER = 'x-operator';
const PLAIN_NAME = /^[\w.@+ -]{1,64}$/;

/** Who performs an operator action: the `X-Operator` header if it is a plain name, else `operator`. */
export function operatorOf(header: string | string[] | undefined): string {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value && PLAIN_NAME.test(value) ? value : 'operator';
}

export const Operator = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  operatorOf(context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers[OPERATOR_HEADER]),
);

/** An operator's action on Ops (OperatorAction), documenting the `X-Operator` header its audit records. */
export const OpsAction = (options: OperatorActionOptions = {}): MethodDecorator =>
  applyDecorators(OperatorAction(options), ApiHeader({ name: OPERATOR_HEADER, required: false, description: 'Who acts, for the record' }));
