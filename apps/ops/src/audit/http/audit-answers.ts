import { ApiProperty } from '@nestjs/swagger';

/** One event of one producer, as Ops received it. */
export class AuditEntryAnswer {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'account' }) producer: string;
  @ApiProperty() streamId: string;
  @ApiProperty({ type: 'integer' }) streamVersion: number;
  @ApiProperty({ example: 'LimitUpdated' }) type: string;
  @ApiProperty({ type: 'integer' }) schemaVersion: number;
  @ApiProperty({ description: 'Decimal string' }) globalPosition: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
}

/** A page of the audit log, newest first. */
export class AuditPageAnswer {
  @ApiProperty({ type: [AuditEntryAnswer] }) items: AuditEntryAnswer[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' }) nextCursor:
    string | null;
}
