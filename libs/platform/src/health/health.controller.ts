import { Public } from '../security/principal';
import { Controller, Get, OnApplicationBootstrap, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { BROKER_STATUS, BrokerStatus } from './broker-status';

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
  ) {}

  // Looked up app-wide rather than injected, so a service without a database or broker needs no stub.
  onApplicationBootstrap(): void {
    this.dataSource = this.lookup<DataSource>(DataSource);
    this.broker = this.lookup<BrokerStatus>(BROKER_STATUS);
  }

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [];
    const dataSource = this.dataSource;
    if (dataSource) checks.push(() => this.typeOrm.pingCheck('database', { connection: dataSource, timeout: 1500 }));
    const broker = this.broker;
    if (broker) {
      checks.push(() => {
        const session = this.indicators.check('broker');
        return broker.isConnected() ? session.up() : session.down({ message: 'not connected' });
      });
    }
    try {
      return await this.health.check(checks);
    } catch (error) {
      // Keep terminus' per-check body on 503 so operators see which dependency is down.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  private lookup<T>(token: unknown): T | undefined {
    try {
      return this.moduleRef.get<T>(token as string, { strict: false });
    } catch {
      return undefined;
    }
  }
}
