import { DomainException } from '#yizhi/core';

export enum BaseErrorCode {
  CodeTaken = 'BASE_CODE_TAKEN',
  NameTaken = 'BASE_NAME_TAKEN',
}

export class BaseException extends DomainException {
  static codeTaken(code: string): BaseException {
    return new BaseException(BaseErrorCode.CodeTaken, 409, `A base with code "${code}" already exists`, [
      { field: 'code', message: 'is already taken' },
    ]);
  }

  static nameTaken(name: string): BaseException {
    return new BaseException(BaseErrorCode.NameTaken, 409, `A base named "${name}" already exists`, [
      { field: 'name', message: 'is already taken' },
    ]);
  }
}
