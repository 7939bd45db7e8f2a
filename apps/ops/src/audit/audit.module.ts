import { Module } from '@nestjs/common';
import { OPS_SCHEMA } from '../ops-schema';
import { AuditLogRepository } from './audit-log.repository';
import { AuditController } from './http/audit.controller';
import { AuditLogConsumer } from './messaging/audit-log.consumer';

@Module({
  controllers: [AuditController, AuditLogConsumer],
  providers: [{ provide: AuditLogRepository, useValue: new AuditLogRepository(OPS_SCHEMA) }],
})
export class AuditModule {}
