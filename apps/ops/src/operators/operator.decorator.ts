import { createParamDecorator, ExecutionContext } from '@nestjs/common';

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
