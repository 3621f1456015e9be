import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { OrganizationStatus } from '../organizations/organization.entity.js';

const DECISIONS = [OrganizationStatus.Verified, OrganizationStatus.Rejected] as const;

export class VerifyOrganizationDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS)
  decision: OrganizationStatus.Verified | OrganizationStatus.Rejected;

  @ApiPropertyOptional({ description: 'Required when rejecting' })
  // Trimmed, so that a blank reason does not pass for one.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @ValidateIf((o: VerifyOrganizationDto) => o.decision === OrganizationStatus.Rejected || o.reason !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'reason is required when rejecting' })
  @MaxLength(500)
  reason?: string;
}
