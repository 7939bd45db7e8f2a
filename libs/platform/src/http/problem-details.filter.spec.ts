import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ArgumentsHost, Body, Controller, Get, INestApplication, Logger, Module, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { lastValueFrom, Observable } from 'rxjs';
import { DomainError, DomainErrorKind } from '@app/domain';
import { loggerModule } from '../logging/logger.module';
import { configureHttpApp, createHttpAdapter } from './create-http-app';
import { DownstreamUnavailableError } from './downstream-unavailable.error';
import { ProblemDetailsFilter } from './problem-details.filter';

class AddressDto {
  @IsString() street: string;
  @IsString() zip: string;
}

class OrderDto {
  @IsString() name: string;
  @IsInt() @Min(1) amount: number;
  @ValidateNested() @Type(() => AddressDto) address: AddressDto;
}

@Controller()
class ProbeController {
  @Get('domain/:kind')
  domain(@Param('kind') kind: DomainErrorKind): never {
    throw new DomainError(kind, 'INSUFFICIENT_FUNDS', 'The account has 200 available; 500 was asked.');
  }

  @Get('downstream')
  downstream(): never {
    throw new DownstreamUnavailableError('account', new Error('connect ECONNREFUSED'));
  }

  @Get('crash')
  crash(): never {
    throw new Error('db password is hunter2');
  }

  @Post('orders')
  order(@Body() order: OrderDto): OrderDto {
    return order;
  }
}

@Module({ imports: [loggerModule('platform-spec', 'silent')], controllers: [ProbeController] })
class ProbeModule {}

describe('ProblemDetailsFilter over HTTP', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = configureHttpApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { bufferLogs: true }), {
      title: 'probe',
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => app.close());

  const send = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  };
  const post = (path: string, body: string) => send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it.each<[DomainErrorKind, number]>([
    ['validation', 400],
    ['rule', 400],
    ['not-found', 404],
    ['conflict', 409],
    ['limit', 422],
  ])('answers a DomainError of kind %s with %i problem+json', async (kind, status) => {
    const res = await send(`/domain/${kind}`);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual({
      type: 'urn:problem:insufficient-funds',
      title: expect.any(String),
      status,
      detail: 'The account has 200 available; 500 was asked.',
      code: 'INSUFFICIENT_FUNDS',
    });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post('/orders', '{"name": "x",');
    expect(res).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON', status: 400 } });
    expect(res.type).toMatch(/^application\/problem\+json/);
  });

  it('answers a body over 100 KiB with 413', async () => {
    const res = await post('/orders', JSON.stringify({ name: 'x'.repeat(120_000) }));
    expect(res).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers a body of a type no parser takes with 415, and a malformed URL with 400', async () => {
    const xml = await send('/orders', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<order/>' });
    expect(xml).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(xml.type).toMatch(/^application\/problem\+json/);
    const badUrl = await send('/domain/%E0%A4%A');
    expect(badUrl).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', status: 400 } });
    expect(badUrl.type).toMatch(/^application\/problem\+json/);
  });

  it('takes an empty JSON body as no body, so validation names the missing fields', async () => {
    const res = await post('/orders', '');
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(res.body.errors).toEqual(expect.arrayContaining(['name must be a string']));
  });

  it("carries the caller's correlation id back, or a new one", async () => {
    const echoed = await fetch(`${base}/nowhere`, { headers: { 'x-correlation-id': 'order-7' } });
    expect(echoed.headers.get('x-correlation-id')).toBe('order-7');
    const fresh = await fetch(`${base}/nowhere`);
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const res = await send('/nowhere');
    expect(res).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND', detail: 'No route for GET /nowhere.' } });
  });

  it('answers invalid input with 400 VALIDATION_FAILED listing nested and unknown fields', async () => {
    const res = await post('/orders', JSON.stringify({ name: 7, amount: 0, address: { street: 'Main' }, extra: true }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        'name must be a string',
        'amount must not be less than 1',
        'address.zip must be a string',
        'property extra should not exist',
      ]),
    );
    expect(res.body.detail).toContain('address.zip must be a string');
  });

  it('passes valid input through, transformed', async () => {
    const order = { name: 'n', amount: 5, address: { street: 's', zip: '1000' } };
    expect(await post('/orders', JSON.stringify(order))).toMatchObject({ status: 201, body: order });
  });

  it('answers DownstreamUnavailableError with 503 <SERVICE>_UNAVAILABLE', async () => {
    const res = await send('/downstream');
    expect(res).toMatchObject({ status: 503, body: { code: 'ACCOUNT_UNAVAILABLE' } });
    expect(res.body.detail).toContain('account');
  });

  it('answers an unexpected error with a generic 500, logging the stack but never sending it', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const res = await send('/crash');
    expect(res).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|\.ts:\d+|at /);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('hunter2'), expect.stringContaining('problem-details.filter.spec.ts'));
    logged.mockRestore();
  });
});

describe('ProblemDetailsFilter outside HTTP', () => {
  it('rethrows the original error to microservice handlers', async () => {
    const original = new DomainError('rule', 'X', 'y');
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const result = new ProblemDetailsFilter().catch(original, host) as Observable<never>;
    await expect(lastValueFrom(result)).rejects.toBe(original);
  });
});
