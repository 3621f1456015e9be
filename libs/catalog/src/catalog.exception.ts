import { DomainException, type DomainStatus } from '#yizhi/core';
import { statesAllowing, type CatalogAction, type CatalogKind, type CatalogStatus } from './lifecycle/catalog-status.js';

export enum CatalogErrorCode {
  IllegalTransition = 'ILLEGAL_TRANSITION',
}

export class CatalogException extends DomainException {
  private constructor(code: CatalogErrorCode, status: DomainStatus, message: string) {
    super(code, status, message);
  }

  /** 422 naming the current state, as API.md asks for an illegal transition. */
  static illegalTransition(kind: CatalogKind, action: CatalogAction, current: CatalogStatus): CatalogException {
    const allowed = statesAllowing(kind, action);
    return new CatalogException(
      CatalogErrorCode.IllegalTransition,
      422,
      `Cannot ${action} a ${kind} that is ${current}` + (allowed.length ? ` (allowed from ${allowed.join(', ')})` : ''),
    );
  }
}
