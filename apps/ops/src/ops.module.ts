import { consumerMigrations } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { CheckoutsModule } from './checkouts/checkouts.module';
import { ConsoleController } from './console/console.controller';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { OpsTables1764000000500 } from './migrations/1764000000500-ops-tables';
import { ReplayClaims1764000000600 } from './migrations/1764000000600-replay-claims';
import { NamedOperators1764000000700 } from './migrations/1764000000700-named-operators';
import { OperatorsModule } from './operators/operators.module';
import { DeadLetterEdits1764000000800 } from './migrations/1764000000800-dead-letter-edits';
import { MerchantsModule } from './merchants/merchants.module';
import { OPS_SCHEMA } from './ops-schema';
import { RetentionModule } from './retention/retention.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { WebhookFailuresModule } from './webhook-failures/webhook-failures.module';

@Module({
  imports: [
    // Ops records no events of its own: its consumers' tables, and none of the event store's.
    PlatformModule.forService({
      name: OPS_SCHEMA,
      migrations: [
        ...consumerMigrations(OPS_SCHEMA),
        OpsTables1764000000500,
        ReplayClaims1764000000600,
        NamedOperators1764000000700,
        DeadLetterEdits1764000000800,
      ],
    }),
    OperatorsModule,
    DeadLettersModule,
    SubscriptionsModule,
    AuditModule,
    CheckoutsModule,
    MerchantsModule,
    RetentionModule,
    WebhookFailuresModule,
  ],
  controllers: [ConsoleController],
})
export class OpsModule {}
