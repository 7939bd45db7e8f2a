import { AuthGuard, configureHttpApp, createHttpAdapter, CredentialVerifier, OperatorDirectory } from '@app/platform';
import { Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { OperatorActionRecorder } from './operator-action-recorder';
import { OperatorActionsRepository, RecordedRequest } from './operator-actions.repository';
import { Operator, OpsAction } from './operator.decorator';

@Controller('things')
class ThingsController {
  @Get(':id')
  read(@Param('id') id: string) {
    return { id };
  }

  @Post(':id/replay')
  @OpsAction({ action: 'thing.replay', role: 'operator' })
  replay(@Param('id') id: string, @Operator() actor: string) {
    if (id === 'missing') throw new NotFoundException('No such thing');
    return { id, by: actor };
  }
}

const recorded: RecordedRequest[] = [];
const directory: OperatorDirectory = {
  find: async (credential) =>
    ({ 'ada-key': { name: 'ada', role: 'operator' as const }, 'vic-key': { name: 'vic', role: 'viewer' as const } })[credential],
};

@Module({
  controllers: [ThingsController],
  providers: [
    { provide: CredentialVerifier, useValue: new CredentialVerifier(['bootstrap-token']) },
    { provide: OperatorDirectory, useValue: directory },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: DataSource, useValue: { manager: {} } },
    {
      provide: OperatorActionsRepository,
      useValue: { recordRequest: async (_: unknown, request: RecordedRequest) => void recorded.push(request) },
    },
    OperatorActionRecorder,
  ],
})
class RecorderTestModule {}

/** The recorder and the guards in a real Fastify app (no database): what each request to an Ops action leaves behind. */
describe('OperatorActionRecorder', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(RecorderTestModule, createHttpAdapter(), { logger: false, abortOnError: false });
    configureHttpApp(app, { title: 'recorder spec', shutdownHooks: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  beforeEach(() => (recorded.length = 0));

  const post = async (path: string, headers: Record<string, string> = {}) => {
    const answer = await app.inject({ method: 'POST', url: path, headers });
    return { status: answer.statusCode, type: answer.headers['content-type'], body: answer.json<Record<string, unknown>>() };
  };
  /** The hook writes after the answer is sent. */
  const settled = async (count: number) => {
    for (let i = 0; i < 100 && recorded.length < count; i++) await new Promise((resolve) => setImmediate(resolve));
    return recorded;
  };

  it("records a success under the authenticated operator's name, never the X-Operator header", async () => {
    const answer = await post('/things/7/replay', { authorization: 'Bearer ada-key', 'x-operator': 'mallory' });
    expect(answer).toMatchObject({ status: 200, body: { by: 'ada' } });
    expect(await settled(1)).toEqual([{ actor: 'ada', action: 'thing.replay', target: '7', outcome: 200, detail: { method: 'POST' } }]);
  });

  it('records a viewer refused with 403 problem+json', async () => {
    const answer = await post('/things/7/replay', { authorization: 'Bearer vic-key' });
    expect(answer).toMatchObject({ status: 403, type: expect.stringContaining('application/problem+json') });
    expect(await settled(1)).toEqual([
      expect.objectContaining({ actor: 'vic', outcome: 403, detail: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });

  it('records 401s for an unknown credential and for none, as unauthenticated', async () => {
    expect((await post('/things/7/replay', { authorization: 'Bearer stolen', 'x-operator': 'ada' })).status).toBe(401);
    expect((await post('/things/7/replay')).status).toBe(401);
    expect((await settled(2)).map((r) => [r.actor, r.outcome])).toEqual([
      ['unauthenticated', 401],
      ['unauthenticated', 401],
    ]);
  });

  it("records the handler's failure with its code, the bootstrap admin by its name, and no read", async () => {
    expect((await post('/things/missing/replay', { authorization: 'Bearer bootstrap-token' })).status).toBe(404);
    const read = await app.inject({ method: 'GET', url: '/things/7', headers: { authorization: 'Bearer vic-key' } });
    expect(read.statusCode).toBe(200);
    expect(await settled(2)).toEqual([
      expect.objectContaining({
        actor: 'bootstrap',
        target: 'missing',
        outcome: 404,
        detail: expect.objectContaining({ code: 'NOT_FOUND' }),
      }),
    ]);
  });
});
