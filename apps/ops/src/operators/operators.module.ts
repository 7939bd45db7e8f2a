import { OperatorDirectory } from '@app/platform';
import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OPS_SCHEMA } from '../ops-schema';
import { OperatorActionsController } from './http/operator-actions.controller';
import { OperatorActionRecorder } from './operator-action-recorder';
import { OperatorActionsRepository } from './operator-actions.repository';
import { OpsOperatorDirectory } from './operator-directory';

/**
 * Named operators and what they did. Global, because the platform's AuthGuard (in SecurityModule)
 * looks the OperatorDirectory up to admit named operators on Ops.
 */
@Global()
@Module({
  controllers: [OperatorActionsController],
  providers: [
    { provide: OperatorActionsRepository, useValue: new OperatorActionsRepository(OPS_SCHEMA) },
    {
      provide: OperatorDirectory,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new OpsOperatorDirectory(dataSource, OPS_SCHEMA),
    },
    OperatorActionRecorder,
  ],
  exports: [OperatorDirectory, OperatorActionsRepository],
})
export class OperatorsModule {}
