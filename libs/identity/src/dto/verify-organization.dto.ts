import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
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

/** `PUT /organizations/:id/related-party-group`. */
export class RelatedPartyGroupDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'changan-group',
    description: 'Organisations with the same group are related parties (关联方); null takes this one out of its group',
  })
  @ValidateIf((_: unknown, value: unknown) => value !== null)
  @IsString({ message: 'group must be a string, or null to leave the group' })
  @Matches(/^[\w.-]{1,64}$/, { message: 'group must be 1 to 64 letters, digits, "_", "." or "-"' })
  group: string | null;
}
