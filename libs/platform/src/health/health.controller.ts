import { runningElections } from '@app/postgres';
import { Public } from '../security/principal';
import { Controller, Get, OnApplicationBootstrap, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { BROKER_STATUS, BrokerStatus } from './broker-status';
import { registerDependencyMetrics } from './dependency-metrics';
import { ShutdownState } from './shutdown-state';

@ApiExcludeController()
@Controller('health')
@Public()
export class HealthController implements OnApplicationBootstrap {
  private dataSource?: DataSource;
  private broker?: BrokerStatus;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeOrm: TypeOrmHealthIndicator,
    private readonly moduleRef: ModuleRef,
    private readonly shutdown: ShutdownState,
  ) {}

  // Looked up app-wide rather than injected, so a service without a database or broker needs no stub.
  onApplicationBootstrap(): void {
    this.dataSource = this.lookup<DataSource>(DataSource);
    this.broker = this.lookup<BrokerStatus>(BROKER_STATUS);
    const dataSource = this.dataSource;
    const broker = this.broker;
    registerDependencyMetrics({
      database: dataSource && (() => pingWithin(dataSource, 1500)),
      broker: broker && (() => broker.isConnected()),
    });
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready = able to serve the API: the database answers, the process is not stopping, and none of
   * its leader elections (the relay's, the checkout recovery worker's) has stalled. The
   * broker is reported but never makes the service unready: writes still land in its event table,
   * and the relay delivers them once the broker is back.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [
      () => {
        const session = this.indicators.check('shutdown');
        return this.shutdown.shuttingDown ? session.down({ message: 'shutting down' }) : session.up();
      },
    ];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.typeOrm.pingCheck('database', { connection: dataSource, timeout: 1500 }));
    // A stalled election never regains its leader by itself: the process needs a restart, so it is not ready.
    for (const election of runningElections()) {
      checks.push(() => {
        const session = this.indicators.check(`leadership:${election.lockKey}`);
        const shown = { leader: election.leader, phase: election.phase, lastAttemptAgeSeconds: election.lastAttemptAgeMs / 1000 };
        return election.stalled
          ? session.down({ ...shown, message: `election stalled: no attempt for over ${election.stalledAfterMs / 1000} s` })
          : session.up(shown);
      });
    }
    let result: HealthCheckResult;
    try {
      result = await this.health.check(checks);
    } catch (error) {
      // Keep terminus' per-check body on 503 so operators see which dependency is down.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      result = error.getResponse() as HealthCheckResult;
    }
    const broker = this.broker;
    if (broker) {
      result.details.broker = broker.isConnected()
        ? { status: 'up' }
        : { status: 'down', message: 'not connected; events wait in the event table' };
    }
    return result;
  }

  private lookup<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as string, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/** `SELECT 1` answered within `timeoutMs`, like readiness' database check. */
async function pingWithin(dataSource: DataSource, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([dataSource.query('SELECT 1').then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
