import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { type JsonValue, PageQueryDto, Role } from '#yizhi/core';
import { AUDIT_ENTITY_NAMES, type AuditEntityName } from '../audit-entity-name.js';
import type { AuditEvent } from '../audit-event.entity.js';
import type { ChainVerification } from '../chain-verifier.js';

const SNAPSHOT = { type: 'object', additionalProperties: true, nullable: true } as const;

export class AuditEventView {
  @ApiProperty({ example: '1024', description: 'Position in the chain (a bigint, as a string)' }) seq: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null when the system made the change' }) actorId:
    string | null;
  @ApiProperty({ enum: Role, enumName: 'Role', nullable: true }) actorRole: string | null;
  @ApiProperty({ example: 'listing.submit' }) action: string;
  @ApiProperty({ enum: AUDIT_ENTITY_NAMES, enumName: 'AuditEntityName' }) entity: string;
  @ApiProperty({ example: '0b9d4c7e-8f8e-4c1a-9a57-3c4f1f0f1a2b' }) entityId: string;
  @ApiProperty({ ...SNAPSHOT, description: 'The resource before the change; null on creation' }) before: JsonValue;
  @ApiProperty({ ...SNAPSHOT, description: 'The resource after the change; null on deletion' }) after: JsonValue;
  @ApiProperty({ description: 'SHA-256 (hex) of the previous event; 64 zeros for the first' }) prevHash: string;
  @ApiProperty({ description: 'SHA-256 (hex) of prevHash and the canonical JSON of this event' }) hash: string;

  static of(event: AuditEvent): AuditEventView {
    return {
      seq: event.seq,
      at: event.at.toISOString(),
      actorId: event.actorId,
      actorRole: event.actorRole,
      action: event.action,
      entity: event.entity,
      entityId: event.entityId,
      before: event.before,
      after: event.after,
      prevHash: event.prevHash,
      hash: event.hash,
    };
  }
}

export class AuditEventPageView {
  @ApiProperty({ type: [AuditEventView], description: 'Newest first' }) items: AuditEventView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class AuditVerificationView {
  @ApiProperty({ description: 'True when every hash and every link of the chain checks out' }) ok: boolean;
  @ApiProperty({ description: 'Events examined, up to and including the first broken one' }) checked: number;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Seq of the first event that fails, null when ok' })
  firstBrokenSeq: string | null;

  static of(result: ChainVerification): AuditVerificationView {
    return { ok: result.ok, checked: result.checked, firstBrokenSeq: result.firstBrokenSeq };
  }
}

export class ListAuditQueryDto extends PageQueryDto {
  @ApiProperty({ enum: AUDIT_ENTITY_NAMES, enumName: 'AuditEntityName' })
  @IsIn(AUDIT_ENTITY_NAMES)
  entity: AuditEntityName;

  @ApiPropertyOptional({ description: 'Only the events of this resource; all of the entity kind when left out' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  entityId?: string;
}
