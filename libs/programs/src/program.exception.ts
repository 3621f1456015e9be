import { DomainException, type DomainStatus, type FieldError } from '#yizhi/core';

export enum ProgramErrorCode {
  CodeTaken = 'PROGRAM_CODE_TAKEN',
  DatesOverlap = 'PROGRAM_DATES_OVERLAP',
  /** The same code as the deals': clients handle every reference that does not resolve alike. */
  ReferenceInvalid = 'REFERENCE_INVALID',
}

export class ProgramException extends DomainException {
  private constructor(code: ProgramErrorCode, status: DomainStatus, message: string, details: FieldError[]) {
    super(code, status, message, details);
  }

  static codeTaken(code: string): ProgramException {
    return new ProgramException(ProgramErrorCode.CodeTaken, 409, `A program with code "${code}" already exists`, [
      { field: 'code', message: 'is already taken' },
    ]);
  }

  /** 422: plans follow one another; `other` names the plan in the way, when known (not after a lost race). */
  static datesOverlap(other?: { code: string; startsOn: string; endsOn: string }): ProgramException {
    const what = other ? `program ${other.code} (${other.startsOn} to ${other.endsOn})` : 'another program';
    return new ProgramException(ProgramErrorCode.DatesOverlap, 422, `The plan's dates overlap ${what}: programs may not overlap`, [
      { field: 'startsOn', message: `the plan overlaps ${what}` },
      { field: 'endsOn', message: `the plan overlaps ${what}` },
    ]);
  }

  /** 422 naming each allocation whose base is unknown or inactive. */
  static basesUnavailable(details: FieldError[]): ProgramException {
    return new ProgramException(
      ProgramErrorCode.ReferenceInvalid,
      422,
      `Allocations must go to active bases: ${details.map((d) => d.field).join(', ')}`,
      details,
    );
  }
}
