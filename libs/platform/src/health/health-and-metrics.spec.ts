import { LeaderElection } from '@app/postgres';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Controller, Get, INestApplication, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttpApp, createHttpAdapter } from '../http/create-http-app';
import { loggerModule } from '../logging/logger.module';
import { MetricsModule } from '../metrics/metrics.module';
import { BROKER_STATUS, BrokerStatus } from './broker-status';
import { HealthModule } from './health.module';
import { ShutdownState } from './shutdown-state';

@Controller('items')
class ItemsController {
  @Get(':id')
  one(@Param('id') id: string): { id: string } {
    return { id };
  }
}

async function boot(broker?: BrokerStatus): Promise<{ app: INestApplication; base: string }> {
  const providers = broker ? [{ provide: BROKER_STATUS, useValue: broker }] : [];
  @Module({ imports: [loggerModule('spec', 'silent'), HealthModule, MetricsModule], controllers: [ItemsController], providers })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = configureHttpApp(moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), { bufferLogs: true }), {
    title: 'spec',
  });
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

describe('HealthModule', () => {
  it('is live and ready without a database or broker, skipping both checks', async () => {
    const { app, base } = await boot();
    try {
      expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', details: {} });
    } finally {
      await app.close();
    }
  });

  it('reports a broker outage in the body but stays ready: writes still land in the event table', async () => {
    let connected = true;
    const { app, base } = await boot({ isConnected: () => connected });
    try {
      const up = await fetch(`${base}/health/ready`);
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ status: 'ok', details: { broker: { status: 'up' } } });
      connected = false;
      const down = await fetch(`${base}/health/ready`);
      expect(down.status).toBe(200);
      expect(await down.json()).toMatchObject({ status: 'ok', details: { broker: { status: 'down' } } });
    } finally {
      await app.close();
    }
  });

  it('turns not ready while a leader election of the process is stalled, and says which', async () => {
    // A frozen election: its timers never fire and its connect never settles, while time moves on.
    let now = 0;
    const election = new LeaderElection({
      databaseUrl: 'unused',
      lockKey: 'relay:spec',
      clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined },
      sessions: () => ({
        connect: () => new Promise<void>(() => undefined),
        tryLock: () => Promise.resolve(false),
        listen: () => Promise.resolve(),
        ping: () => Promise.resolve(),
        close: () => Promise.resolve(),
        destroy: () => undefined,
      }),
    });
    const { app, base } = await boot();
    try {
      election.start();
      const trying = await fetch(`${base}/health/ready`);
      expect(trying.status).toBe(200);
      expect(await trying.json()).toMatchObject({
        details: { 'leadership:relay:spec': { status: 'up', leader: false, phase: 'connecting' } },
      });
      now += election.status().stalledAfterMs + 1;
      const stalled = await fetch(`${base}/health/ready`);
      expect(stalled.status).toBe(503);
      expect(await stalled.json()).toMatchObject({
        error: { 'leadership:relay:spec': { status: 'down', message: expect.stringMatching(/stalled/) } },
      });
    } finally {
      await election.stop();
      await app.close();
    }
  });

  it('turns not ready once shutdown begins, while still live and serving', async () => {
    const { app, base } = await boot({ isConnected: () => false });
    try {
      app.get(ShutdownState).begin();
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'error',
        error: { shutdown: { status: 'down' } },
        details: { broker: { status: 'down' } },
      });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/items/1`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('MetricsModule', () => {
  it('serves Prometheus text with default metrics and a request histogram labelled by route pattern', async () => {
    const { app, base } = await boot();
    try {
      await fetch(`${base}/items/42`);
      await fetch(`${base}/no/such/route`);
      const res = await fetch(`${base}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/items\/:id",status="200"\} \d+/);
      expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} \d+/);
      expect(text).not.toContain('/items/42');
    } finally {
      await app.close();
    }
  });

  it('survives a second app in the same process and keeps infra routes out of the OpenAPI document', async () => {
    const { app, base } = await boot();
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      const doc = (await (await fetch(`${base}/docs-json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(['/items/{id}']);
      expect((await fetch(`${base}/docs`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
