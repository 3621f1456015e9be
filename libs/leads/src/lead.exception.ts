import { DomainException, type DomainStatus, type FieldError } from '#yizhi/core';
import { leadStatesAllowing, type LeadStatus } from './lead-status.js';

export enum LeadErrorCode {
  /** The same code as the catalog's: clients handle every illegal transition alike. */
  IllegalTransition = 'ILLEGAL_TRANSITION',
  AlreadyOpen = 'LEAD_ALREADY_OPEN',
  NeedNotEligible = 'NEED_NOT_ELIGIBLE',
  OperatorNotAtBase = 'OPERATOR_NOT_AT_BASE',
  ListingExpired = 'LISTING_EXPIRED',
}

export class LeadException extends DomainException {
  private constructor(code: LeadErrorCode, status: DomainStatus, message: string, details: FieldError[] = []) {
    super(code, status, message, details);
  }

  /** 422 naming the current state, in the shape of CatalogException.illegalTransition. */
  static illegalTransition(current: LeadStatus, to: LeadStatus): LeadException {
    const allowed = leadStatesAllowing(to);
    return new LeadException(
      LeadErrorCode.IllegalTransition,
      422,
      `Cannot move a lead that is ${current} to ${to}` + (allowed.length ? ` (allowed from ${allowed.join(', ')})` : ''),
    );
  }

  /** 422: reassigning makes sense only while the lead is open. */
  static notReassignable(current: LeadStatus): LeadException {
    return new LeadException(LeadErrorCode.IllegalTransition, 422, `Cannot reassign a lead that is ${current}`, [
      { field: 'operatorId', message: `the lead is ${current}` },
    ]);
  }

  /** 409: one open lead per listing and enterprise organisation. */
  static alreadyOpen(existingId?: string): LeadException {
    return new LeadException(
      LeadErrorCode.AlreadyOpen,
      409,
      'Your organization already has an open lead on this listing' + (existingId ? ` (lead ${existingId})` : ''),
      [{ field: 'listingId', message: 'already has an open lead of your organization' }],
    );
  }

  static needNotEligible(): LeadException {
    return new LeadException(LeadErrorCode.NeedNotEligible, 422, 'needId must be a published need of your organization', [
      { field: 'needId', message: 'must be a published need of your organization' },
    ]);
  }

  static operatorNotAtBase(): LeadException {
    return new LeadException(LeadErrorCode.OperatorNotAtBase, 422, "operatorId must be an operator of the lead's base", [
      { field: 'operatorId', message: "must be an operator of the lead's base" },
    ]);
  }

  static listingExpired(validUntil: string): LeadException {
    return new LeadException(
      LeadErrorCode.ListingExpired,
      422,
      `The listing's offer ran out on ${validUntil}; it takes no interest until its owner renews it`,
    );
  }
}
