import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Type } from 'class-transformer';
import {
  ValidationError,
  IsDefined,
  IsEmail,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ErrorCode } from '../errors/error-code.js';
import { ValidationFailedException } from '../errors/common.exceptions.js';
import { createValidationPipe, flattenValidationErrors } from './validation.pipe.js';

class OrganizationDto {
  @IsString()
  @MinLength(2)
  name: string;

  @IsString()
  @Matches(/^[0-9A-Z]{18}$/, { message: 'creditCode must be 18 digits or capitals' })
  creditCode: string;
}

class SignUpDto {
  @IsString()
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @IsString()
  @MinLength(10)
  @MaxLength(20)
  password: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(9)
  seats?: number;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => OrganizationDto)
  organization: OrganizationDto;
}

const valid = () => ({
  email: 'zhang.wei@example.cn',
  password: 'correct-horse',
  seats: 3,
  organization: { name: '重庆某某科技', creditCode: '914403001922038216' },
});

const pipe = createValidationPipe();

async function transform(body: unknown): Promise<unknown> {
  return pipe.transform(body, { type: 'body', metatype: SignUpDto });
}

/** The exception the pipe throws for `body`. */
async function failure(body: unknown): Promise<ValidationFailedException> {
  try {
    await transform(body);
  } catch (error) {
    if (error instanceof ValidationFailedException) return error;
    throw error;
  }
  throw new Error('the pipe accepted the body');
}

describe('createValidationPipe', () => {
  it('turns a valid body into the DTO, nested objects included', async () => {
    const dto = await transform(valid());
    expect(dto).toBeInstanceOf(SignUpDto);
    expect((dto as SignUpDto).organization).toBeInstanceOf(OrganizationDto);
    expect(dto).toEqual(valid());
  });

  it('refuses an unknown field by name', async () => {
    const error = await failure({ ...valid(), role: 'admin' });
    expect(error.status).toBe(400);
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details).toEqual([{ field: 'role', message: 'role is not an allowed field' }]);
    expect(error.message).toBe('Invalid role');
  });

  it('refuses an unknown nested field with its dotted path', async () => {
    const body = valid();
    const error = await failure({ ...body, organization: { ...body.organization, verified: true } });
    expect(error.details).toEqual([{ field: 'organization.verified', message: 'organization.verified is not an allowed field' }]);
  });

  it('says a missing field is required, once', async () => {
    const { password: _password, ...body } = valid();
    const error = await failure(body);
    expect(error.details).toEqual([{ field: 'password', message: 'password is required' }]);
  });

  it('says a missing nested object is required, once', async () => {
    const { organization: _organization, ...body } = valid();
    const error = await failure(body);
    expect(error.details).toEqual([{ field: 'organization', message: 'organization is required' }]);
  });

  it('lets an optional field be left out', async () => {
    const { seats: _seats, ...body } = valid();
    expect(await transform(body)).toEqual(body);
  });

  it('reports the type check, declared first, for a value of the wrong type', async () => {
    const error = await failure({ ...valid(), password: 12345 });
    expect(error.details).toEqual([{ field: 'password', message: 'password must be a string' }]);
  });

  it('reports the first rule broken in declaration order', async () => {
    expect((await failure({ ...valid(), password: 'short' })).details).toEqual([
      { field: 'password', message: 'password must be longer than or equal to 10 characters' },
    ]);
    expect((await failure({ ...valid(), seats: 1.5 })).details).toEqual([{ field: 'seats', message: 'seats must be an integer number' }]);
    expect((await failure({ ...valid(), seats: 10 })).details).toEqual([{ field: 'seats', message: 'seats must not be greater than 9' }]);
  });

  it('does not convert types implicitly', async () => {
    const error = await failure({ ...valid(), seats: '3' });
    expect(error.details).toEqual([{ field: 'seats', message: 'seats must be an integer number' }]);
  });

  it('gives nested errors dotted paths', async () => {
    const body = valid();
    const error = await failure({ ...body, organization: { name: 'x', creditCode: 'abc' } });
    expect(error.details).toEqual([
      { field: 'organization.name', message: 'name must be longer than or equal to 2 characters' },
      { field: 'organization.creditCode', message: 'creditCode must be 18 digits or capitals' },
    ]);
    expect(error.message).toBe('Invalid organization.name, organization.creditCode');
  });

  it('says a missing nested field is required with its dotted path', async () => {
    const error = await failure({ ...valid(), organization: { name: '重庆某某科技' } });
    expect(error.details).toEqual([{ field: 'organization.creditCode', message: 'organization.creditCode is required' }]);
  });

  it('refuses a nested object of the wrong type', async () => {
    const error = await failure({ ...valid(), organization: 'acme' });
    expect(error.details).toEqual([{ field: 'organization', message: 'organization must be an object' }]);
  });

  it('refuses a null nested object with the type message', async () => {
    const error = await failure({ ...valid(), organization: null });
    expect(error.details).toEqual([{ field: 'organization', message: 'organization must be an object' }]);
  });

  it('refuses a null body, even for a DTO whose fields are all optional', async () => {
    class EditDto {
      @IsOptional()
      @IsInt()
      seats?: number;
    }
    for (const metatype of [SignUpDto, EditDto]) {
      await expect(pipe.transform(null, { type: 'body', metatype })).rejects.toBeInstanceOf(ValidationFailedException);
    }
    // No body at all is an empty one.
    expect(await pipe.transform(undefined, { type: 'body', metatype: EditDto })).toEqual({});
  });

  it('gives one detail per field when several fields are wrong', async () => {
    const error = await failure({ email: 'nope', password: 7, role: 'admin', organization: { creditCode: 5 } });
    expect(error.details).toEqual([
      { field: 'role', message: 'role is not an allowed field' },
      { field: 'email', message: 'email must be an email address' },
      { field: 'password', message: 'password must be a string' },
      { field: 'organization.name', message: 'organization.name is required' },
      { field: 'organization.creditCode', message: 'creditCode must be a string' },
    ]);
    expect(new Set(error.details.map((d) => d.field)).size).toBe(error.details.length);
  });
});

const validationError = (fields: Partial<ValidationError>): ValidationError => Object.assign(new ValidationError(), fields);

describe('flattenValidationErrors', () => {
  it('builds dotted paths at any depth', () => {
    const tree = [
      validationError({
        property: 'deal',
        value: {},
        children: [
          validationError({
            property: 'buyer',
            value: {},
            children: [validationError({ property: 'name', value: 7, constraints: { isString: 'name must be a string' } })],
          }),
        ],
      }),
    ];
    expect(flattenValidationErrors(tree)).toEqual([{ field: 'deal.buyer.name', message: 'name must be a string' }]);
  });

  it('falls back to the nested-validation message when it is the only rule', () => {
    const tree = [
      validationError({
        property: 'organization',
        value: 'acme',
        constraints: { nestedValidation: 'nested property organization must be either object or array' },
      }),
    ];
    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'organization', message: 'nested property organization must be either object or array' },
    ]);
  });

  it('reports nothing for a node without constraints or children', () => {
    expect(flattenValidationErrors([validationError({ property: 'x', value: 1 })])).toEqual([]);
  });
});
