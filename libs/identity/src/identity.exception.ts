import { DomainException, type DomainStatus } from '#yizhi/core';

export enum IdentityErrorCode {
  EmailTaken = 'EMAIL_TAKEN',
  CreditCodeTaken = 'CREDIT_CODE_TAKEN',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  RefreshTokenInvalid = 'REFRESH_TOKEN_INVALID',
  RefreshTokenReused = 'REFRESH_TOKEN_REUSED',
  UnknownBase = 'UNKNOWN_BASE',
  OrganizationAlreadyDecided = 'ORGANIZATION_ALREADY_DECIDED',
}

export class IdentityException extends DomainException {
  private constructor(code: IdentityErrorCode, status: DomainStatus, message: string, field?: string) {
    super(code, status, message, field ? [{ field, message }] : []);
  }

  static emailTaken(): IdentityException {
    return new IdentityException(IdentityErrorCode.EmailTaken, 409, 'This email is already registered', 'email');
  }

  static creditCodeTaken(): IdentityException {
    return new IdentityException(
      IdentityErrorCode.CreditCodeTaken,
      409,
      'An organization with this credit code is already registered',
      'organization.creditCode',
    );
  }

  static invalidCredentials(): IdentityException {
    return new IdentityException(IdentityErrorCode.InvalidCredentials, 401, 'Wrong email or password');
  }

  static refreshTokenInvalid(): IdentityException {
    return new IdentityException(IdentityErrorCode.RefreshTokenInvalid, 401, 'The refresh token is invalid or expired');
  }

  static refreshTokenReused(): IdentityException {
    return new IdentityException(
      IdentityErrorCode.RefreshTokenReused,
      401,
      'The refresh token was already used; its whole session has been revoked',
    );
  }

  static unknownBase(): IdentityException {
    return new IdentityException(IdentityErrorCode.UnknownBase, 422, 'No base has this id', 'baseId');
  }

  static alreadyDecided(status: string): IdentityException {
    return new IdentityException(IdentityErrorCode.OrganizationAlreadyDecided, 422, `The organization is already ${status}`);
  }
}
