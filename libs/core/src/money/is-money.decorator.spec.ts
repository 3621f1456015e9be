import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { IsMoney } from './is-money.decorator.js';
import { Money } from './money.js';

class PledgeDto {
  @IsMoney()
  amount: Money;
}

class OptionalPledgeDto {
  @IsOptional()
  @IsMoney()
  amount?: Money | null;
}

async function check(amount: unknown) {
  const dto = plainToInstance(PledgeDto, { amount });
  return { dto, errors: await validate(dto) };
}

describe('@IsMoney', () => {
  it.each([
    ['1234.56', 123_456n],
    ['0', 0n],
  ])('turns %j into Money', async (input, fen) => {
    const { dto, errors } = await check(input);
    expect(errors).toEqual([]);
    expect(dto.amount).toBeInstanceOf(Money);
    expect(dto.amount.fen).toBe(fen);
  });

  it('accepts an amount that is already Money', async () => {
    const { dto, errors } = await check(Money.parse('5'));
    expect(errors).toEqual([]);
    expect(dto.amount).toBeInstanceOf(Money);
    expect(dto.amount.fen).toBe(500n);
  });

  it('does not let a look-alike object through as Money', async () => {
    const { dto, errors } = await check({ fen: '-5' });
    expect(dto.amount).not.toBeInstanceOf(Money);
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('amount');
    expect(Object.keys(errors[0].constraints ?? {})).toEqual(['isMoney']);
  });

  it.each([
    ['1e3', 'amount must be a non-negative decimal string with at most two decimals, such as "1234.56"'],
    ['-1', 'amount must be a non-negative decimal string with at most two decimals, such as "1234.56"'],
    ['0.001', 'amount must be a non-negative decimal string with at most two decimals, such as "1234.56"'],
    [1234.56, 'amount must be a decimal string such as "1234.56", not a number'],
    ['92233720368547758.08', 'amount is larger than the largest amount that can be stored'],
  ])('refuses %p with one error naming the field', async (input, message) => {
    const { errors } = await check(input);
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('amount');
    expect(errors[0].constraints).toEqual({ isMoney: message });
  });

  it('refuses a missing amount when it is required', async () => {
    const { errors } = await check(undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('amount');
    expect(Object.keys(errors[0].constraints ?? {})).toEqual(['isMoney']);
    expect(errors[0].constraints?.isMoney).toMatch(/^amount /);
  });

  it('lets @IsOptional skip null and undefined', async () => {
    for (const amount of [null, undefined]) {
      const dto = plainToInstance(OptionalPledgeDto, { amount });
      expect(await validate(dto)).toEqual([]);
      expect(dto.amount).toBe(amount);
    }
  });

  it('still refuses a bad optional amount', async () => {
    const dto = plainToInstance(OptionalPledgeDto, { amount: 100 });
    const errors = await validate(dto);
    expect(errors).toHaveLength(1);
    expect(errors[0].constraints).toEqual({ isMoney: 'amount must be a decimal string such as "1234.56", not a number' });
  });
});
