import { ApiProperty } from '@nestjs/swagger';
import { Role } from '#yizhi/core';
import { Organization, OrganizationKind, OrganizationStatus } from '../organizations/organization.entity.js';
import { User } from '../users/user.entity.js';

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: Role, enumName: 'Role' }) role: Role;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) organizationId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) baseId: string | null;

  static of(user: User): UserView {
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      organizationId: user.organizationId,
      baseId: user.baseId,
    };
  }
}

export class OrganizationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: OrganizationKind, enumName: 'OrganizationKind' }) kind: OrganizationKind;
  @ApiProperty({ example: '914403001922038216' }) creditCode: string;
  @ApiProperty({ example: '重庆市渝北区' }) region: string;
  @ApiProperty({ enum: OrganizationStatus, enumName: 'OrganizationStatus' }) status: OrganizationStatus;
  @ApiProperty({ type: String, nullable: true }) statusReason: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Related parties share a group' }) relatedPartyGroup: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) verifiedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static of(org: Organization): OrganizationView {
    return {
      id: org.id,
      name: org.name,
      kind: org.kind,
      creditCode: org.creditCode,
      region: org.region,
      status: org.status,
      statusReason: org.statusReason,
      relatedPartyGroup: org.relatedPartyGroup,
      verifiedAt: org.verifiedAt?.toISOString() ?? null,
      createdAt: org.createdAt.toISOString(),
    };
  }
}

export class RegisteredView {
  @ApiProperty({ type: UserView }) user: UserView;
  @ApiProperty({ type: OrganizationView }) organization: OrganizationView;
}

export class TokensView {
  @ApiProperty({ description: 'Short-lived JWT; send as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty({ description: 'Single-use; exchange at POST /auth/refresh for a new pair' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
}
