import { DomainException, ErrorCode, type DomainStatus, type FieldError } from '#yizhi/core';
import { dealStatesAllowing, type DealStatus, type DealVerification } from './deal-status.js';

export enum DealErrorCode {
  /** The same code as the catalog's and the leads': clients handle every illegal transition alike. */
  IllegalTransition = 'ILLEGAL_TRANSITION',
  VersionConflict = 'VERSION_CONFLICT',
  ReferenceInvalid = 'REFERENCE_INVALID',
  AmountRule = 'AMOUNT_RULE',
}

export const IF_MATCH = 'If-Match';

export class DealException extends DomainException {
  private constructor(
    code: string,
    status: DomainStatus,
    message: string,
    details: FieldError[] = [],
    headers: Record<string, string> = {},
  ) {
    super(code, status, message, details, headers);
  }

  /** 422 naming the current state, in the shape of the catalog's and the leads'. */
  static illegalTransition(current: DealStatus, to: DealStatus): DealException {
    const allowed = dealStatesAllowing(to);
    return new DealException(
      DealErrorCode.IllegalTransition,
      422,
      `Cannot move a deal that is ${current} to ${to}` + (allowed.length ? ` (allowed from ${allowed.join(', ')})` : ''),
      [{ field: 'to', message: `the deal is ${current}` }],
    );
  }

  /** 422: an action the deal's state does not allow (`what` says which: "edit", "record a payment on"…). */
  static notAllowedIn(current: DealStatus, what: string, allowed: readonly DealStatus[]): DealException {
    return new DealException(
      DealErrorCode.IllegalTransition,
      422,
      `Cannot ${what} a deal that is ${current}` + (allowed.length ? ` (allowed when ${allowed.join(', ')})` : ''),
    );
  }

  static alreadyDecided(verification: DealVerification): DealException {
    return new DealException(DealErrorCode.IllegalTransition, 422, `The deal is already ${verification}`, [
      { field: 'decision', message: `the deal is already ${verification}` },
    ]);
  }

  /** 428: PATCH must say which version it changes. */
  static versionRequired(): DealException {
    return new DealException(ErrorCode.PreconditionRequired, 428, `Send ${IF_MATCH}: <version> (the deal's version, from its ETag)`, [
      { field: IF_MATCH, message: 'is required' },
    ]);
  }

  /** 409: someone changed the deal since the caller read it. */
  static versionConflict(current: number): DealException {
    return new DealException(
      DealErrorCode.VersionConflict,
      409,
      `The deal was changed since you read it: it is at version ${current}; read it again and reapply your change`,
      [{ field: IF_MATCH, message: `the deal is at version ${current}` }],
      { ETag: `"${current}"` },
    );
  }

  /** 422 naming a reference that does not resolve to what it must be. */
  static reference(field: string, message: string): DealException {
    return new DealException(DealErrorCode.ReferenceInvalid, 422, `${field} ${message}`, [{ field, message }]);
  }

  /** 400 naming an amount that breaks a ledger rule given the deal's other amounts (技术交易额 above 合同成交额, over-payment). */
  static amount(field: string, message: string): DealException {
    return new DealException(DealErrorCode.AmountRule, 400, `${field} ${message}`, [{ field, message }]);
  }
}
