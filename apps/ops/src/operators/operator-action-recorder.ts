import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository, RecordedRequest } from './operator-actions.repository';
import { actorOf, OPS_ACTION_CONFIG } from './operator.decorator';

// A body past this is recorded by its size only: the record says what was asked, not a copy of it.
const MAX_RECORDED_BODY = 4096;

type Request = FastifyRequest & { opsProblemCode?: string };

/** What to record of a request to an Ops action, answered `outcome`; pure, so that the table of it has a spec. */
export function recordOf(
  request: Pick<FastifyRequest, 'method' | 'params' | 'body'>,
  action: string,
  actor: string,
  outcome: number,
  problemCode?: string,
): RecordedRequest {
  const params = (request.params ?? {}) as Record<string, string>;
  const body = request.body as { name?: unknown } | undefined;
  const text = body === undefined ? undefined : JSON.stringify(body);
  const target = Object.values(params).join('/') || (typeof body?.name === 'string' ? body.name : '');
  return {
    actor,
    action,
    target,
    outcome,
    detail: {
      method: request.method,
      ...(text === undefined ? {} : text.length <= MAX_RECORDED_BODY ? { body } : { bodyBytes: text.length }),
      ...(problemCode ? { code: problemCode } : {}),
    },
  };
}

/**
 * Records every request to an Ops action (`@OpsAction`) in `ops.operator_actions` once it is
 * answered: who (the authenticated principal, or `unauthenticated`), what, on what, and the status,
 * so refusals (401, 403), bad requests and failures are there as well as successes. A Fastify hook
 * rather than a Nest interceptor, because guards refuse before any interceptor runs.
 */
@Injectable()
export class OperatorActionRecorder implements OnModuleInit {
  private readonly logger = new Logger(OperatorActionRecorder.name);

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly dataSource: DataSource,
    private readonly actions: OperatorActionsRepository,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (request: Request, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode >= 400 && actionOf(request) && typeof payload === 'string') request.opsProblemCode = problemCodeIn(payload);
      return payload;
    });
    fastify.addHook('onResponse', async (request: Request, reply: FastifyReply) => {
      const action = actionOf(request);
      if (!action) return;
      const record = recordOf(request, action, actorOf(request), reply.statusCode, request.opsProblemCode);
      // The answer is sent; a record that cannot be written is a log line, never a second answer.
      await this.actions
        .recordRequest(this.dataSource.manager, record)
        .catch((error: Error) => this.logger.error(`could not record ${action} by ${record.actor}: ${error.message}`));
    });
  }
}

const actionOf = (request: FastifyRequest): string | undefined =>
  (request.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[OPS_ACTION_CONFIG] as string | undefined;

function problemCodeIn(payload: string): string | undefined {
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
