import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsArray, IsOptional, validateSync } from 'class-validator';
import {
  IsPatentNumber,
  PATENT_NUMBER_MESSAGES,
  isValidPatentNumber,
  normalizePatentNumber,
  patentCheckChar,
  patentNumberProblem,
} from './patent-number.js';

/**
 * Application numbers as published, each with its check character: they pin the weights and the
 * mod-11 rule. 202210635727.1 is the application of CN114911801A, 202321160956.9 of CN219910140U;
 * 201710601862.3 and 200710308494.X are the worked examples circulated with the standard;
 * 95115608.X and 97101765.4 are of the 8-digit form used until September 2003.
 */
const PUBLISHED = ['202210635727.1', '202321160956.9', '201710601862.3', '200710308494.X', '95115608.X', '97101765.4'];

const withCharAt = (text: string, position: number, ch: string) => text.slice(0, position) + ch + text.slice(position + 1);

/** A number of the current form with its check character computed. */
const numberOf = (digits: string) => `${digits}.${patentCheckChar(digits)}`;

describe('patentCheckChar', () => {
  it.each(PUBLISHED)('gives the published check character of %s', (number) => {
    const [digits, check] = number.split('.');
    expect(patentCheckChar(digits)).toBe(check);
  });

  it('is Σ digit × (2,3,4,5,6,7,8,9,2,3,4,5) mod 11, worked by hand', () => {
    // 2·2 + 0·3 + 1·4 + 7·5 + 1·6 + 0·7 + 6·8 + 0·9 + 1·2 + 8·3 + 6·4 + 2·5 = 157 = 14·11 + 3
    expect(patentCheckChar('201710601862')).toBe('3');
    // 9·2 + 5·3 + 1·4 + 1·5 + 5·6 + 6·7 + 0·8 + 8·9 = 186 = 16·11 + 10 → X
    expect(patentCheckChar('95115608')).toBe('X');
    expect(patentCheckChar('000000000000')).toBe('0');
    // 1·5 in the twelfth place = 5; 1·2 in the first = 2.
    expect(patentCheckChar('000000000001')).toBe('5');
    expect(patentCheckChar('100000000000')).toBe('2');
  });

  it('computes check characters for new numbers', () => {
    expect(numberOf('202110123456')).toBe('202110123456.7');
    expect(numberOf('202420000001')).toBe('202420000001.5');
    expect(numberOf('202330012345')).toBe('202330012345.9');
    expect(numberOf('202180001237')).toBe('202180001237.X');
  });

  it('refuses anything but 8 or 12 digits', () => {
    expect(() => patentCheckChar('20211012345')).toThrow(RangeError);
    expect(() => patentCheckChar('2021101234X6')).toThrow(RangeError);
    expect(() => patentCheckChar('')).toThrow(RangeError);
  });
});

describe('patentNumberProblem on valid numbers', () => {
  it.each(PUBLISHED)('accepts %s', (number) => {
    expect(patentNumberProblem(number)).toBeUndefined();
    expect(isValidPatentNumber(number)).toBe(true);
  });

  it.each(PUBLISHED)('catches every single-digit substitution in %s', (number) => {
    const digits = number.indexOf('.');
    let mutations = 0;
    const uncaught: string[] = [];
    for (let position = 0; position < number.length; position++) {
      if (position === digits) continue;
      for (const ch of position < digits ? '0123456789' : '0123456789X') {
        if (ch === number[position]) continue;
        const mutated = withCharAt(number, position, ch);
        mutations++;
        // A changed year or type digit may fail the shape first; either way it is refused.
        if (patentNumberProblem(mutated) === undefined) uncaught.push(mutated);
        if (position > 4 || (digits === 8 && position > 2)) expect([mutated, patentNumberProblem(mutated)]).toEqual([mutated, 'check']);
      }
    }
    expect(mutations).toBe(digits * 9 + 10);
    expect(uncaught).toEqual([]);
  });

  it.each(PUBLISHED)('catches every swap of two different neighbouring digits in %s', (number) => {
    const [digits, check] = number.split('.');
    for (let i = 0; i + 1 < digits.length; i++) {
      if (digits[i] === digits[i + 1]) continue;
      const swapped = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
      expect([swapped, patentCheckChar(swapped) === check]).toEqual([swapped, false]);
    }
  });

  it('accepts every type: invention, utility model, design, PCT invention, PCT utility model', () => {
    for (const type of '12389') expect(patentNumberProblem(numberOf(`2021${type}0123456`))).toBeUndefined();
  });
});

describe('patentNumberProblem on invalid numbers', () => {
  it('gives check for a wrong check character', () => {
    expect(patentNumberProblem('202210635727.2')).toBe('check');
    expect(patentNumberProblem('202210635727.X')).toBe('check');
    expect(patentNumberProblem('200710308494.0')).toBe('check');
    expect(patentNumberProblem('95115608.1')).toBe('check');
    expect(patentNumberProblem('ZL 201710601862.4')).toBe('check');
  });

  it.each([
    ['', 'empty'],
    ['202210635727', 'no dot'],
    ['2022106357271', 'no dot, check run on'],
    ['202210635727.', 'no check character'],
    ['202210635727.11', 'two check characters'],
    ['20221063572.1', '11 digits'],
    ['2022106357270.1', '13 digits'],
    ['2022106357.27.1', 'two dots'],
    ['202210635727-1', 'a dash for the dot'],
    ['202210635727·1', 'a middle dot for the dot'],
    ['202210635727.A', 'a letter other than X'],
    ['2022A0635727.1', 'a letter among the digits'],
    ['2022 10635 727.1', 'a space inside the serial'],
    ['202210635727 .1', 'a space before the dot'],
    ['202210635727. 1', 'a space after the dot'],
    ['US202210635727.1', 'another prefix'],
    ['ZLCN202210635727.1', 'two prefixes'],
    ['9511560.8X', 'the dot misplaced'],
    ['CN114911801A', 'a publication number, not an application number'],
  ])('gives format for %j (%s)', (input) => {
    expect(patentNumberProblem(input)).toBe('format');
    expect(isValidPatentNumber(input)).toBe(false);
  });

  it('gives format for an unknown type digit even with a computed check', () => {
    for (const type of '04567') expect(patentNumberProblem(numberOf(`2021${type}0123456`))).toBe('format');
    expect(patentNumberProblem(`95415608.${patentCheckChar('95415608')}`)).toBe('format');
  });

  it('gives format for years outside each form, even with a computed check', () => {
    // The 12-digit form began in October 2003; the 8-digit form ran from 1985 to 2003.
    expect(patentNumberProblem(numberOf('200210123456'))).toBe('format');
    expect(patentNumberProblem(numberOf('199910123456'))).toBe('format');
    expect(patentNumberProblem(numberOf('310010123456'))).toBe('format');
    expect(patentNumberProblem(numberOf('200310123456'))).toBeUndefined();
    expect(patentNumberProblem(`84100001.${patentCheckChar('84100001')}`)).toBe('format');
    expect(patentNumberProblem(`04100001.${patentCheckChar('04100001')}`)).toBe('format');
    expect(patentNumberProblem(`85100001.${patentCheckChar('85100001')}`)).toBeUndefined();
    expect(patentNumberProblem(`03100001.${patentCheckChar('03100001')}`)).toBeUndefined();
  });

  it('has a message for every problem', () => {
    expect(Object.keys(PATENT_NUMBER_MESSAGES).sort()).toEqual(['check', 'format']);
  });
});

describe('normalizePatentNumber', () => {
  it.each([
    ['ZL202210635727.1', '202210635727.1'],
    ['zl 202210635727.1', '202210635727.1'],
    ['CN202210635727.1', '202210635727.1'],
    ['cn 202210635727.1', '202210635727.1'],
    ['  ZL 200710308494.x  ', '200710308494.X'],
    ['200710308494.x', '200710308494.X'],
    // The standard's optional spaces: after the year and after the type.
    ['2022 1 0635727.1', '202210635727.1'],
    ['ZL 2022 10635727.1', '202210635727.1'],
    ['95 1 15608.x', '95115608.X'],
    ['ZL95115608.X', '95115608.X'],
    // Pasted from a full-width form field.
    ['ＺＬ２０２２１０６３５７２７．１', '202210635727.1'],
    ['\u3000CN 202321160956.9\u3000', '202321160956.9'],
  ])('turns %j into %s, which is valid', (input, canonical) => {
    expect(normalizePatentNumber(input)).toBe(canonical);
    expect(patentNumberProblem(input)).toBeUndefined();
    expect(normalizePatentNumber(canonical)).toBe(canonical);
  });

  it('returns other input trimmed and upper-cased, to be refused', () => {
    expect(normalizePatentNumber(' us123.x ')).toBe('US123.X');
    expect(normalizePatentNumber('2022 10635 727.1')).toBe('2022 10635 727.1');
  });

  it('can be mapped over an array', () => {
    expect(['zl202210635727.1', 'cn 95115608.x'].map(normalizePatentNumber)).toEqual(['202210635727.1', '95115608.X']);
  });
});

class ListingBody {
  @IsOptional()
  @IsArray()
  @IsPatentNumber()
  patentNumbers?: string[];
}

class OnePatent {
  @IsPatentNumber()
  patentNumber: string;
}

class EachPatent {
  @IsPatentNumber({ each: true })
  patentNumbers: string[];
}

function messagesFor<T extends object>(cls: new () => T, body: object): string[] {
  const instance = plainToInstance(cls, body);
  return validateSync(instance).flatMap((error) => Object.values(error.constraints ?? {}));
}

describe('@IsPatentNumber()', () => {
  it('accepts and normalises an array of valid numbers in any accepted spelling', () => {
    const body = plainToInstance(ListingBody, { patentNumbers: ['ZL 202210635727.1', 'cn200710308494.x', '95115608.X'] });
    expect(validateSync(body)).toEqual([]);
    expect(body.patentNumbers).toEqual(['202210635727.1', '200710308494.X', '95115608.X']);
  });

  it('accepts an empty array and an absent property', () => {
    expect(messagesFor(ListingBody, { patentNumbers: [] })).toEqual([]);
    expect(messagesFor(ListingBody, {})).toEqual([]);
  });

  it('names the property, the element and the wrong check character', () => {
    expect(messagesFor(ListingBody, { patentNumbers: ['202210635727.1', '202321160956.8'] })).toEqual([
      `patentNumbers[1] ${PATENT_NUMBER_MESSAGES.check}`,
    ]);
  });

  it('names the first bad element and a format problem', () => {
    expect(messagesFor(ListingBody, { patentNumbers: ['95115608.X', '2022106357271', '202321160956.8'] })).toEqual([
      `patentNumbers[1] ${PATENT_NUMBER_MESSAGES.format}`,
    ]);
  });

  it('refuses an element that is not a string', () => {
    expect(messagesFor(ListingBody, { patentNumbers: ['95115608.X', 202210635727] })).toEqual([
      `patentNumbers[1] ${PATENT_NUMBER_MESSAGES.format}`,
    ]);
  });

  it('also validates a single string property, naming it without an index', () => {
    expect(messagesFor(OnePatent, { patentNumber: 'ZL 202210635727.1' })).toEqual([]);
    expect(messagesFor(OnePatent, { patentNumber: '202210635727.9' })).toEqual([`patentNumber ${PATENT_NUMBER_MESSAGES.check}`]);
  });

  it('gives the same message when declared with { each: true }', () => {
    expect(messagesFor(EachPatent, { patentNumbers: ['202210635727.1', '95115608.X'] })).toEqual([]);
    expect(messagesFor(EachPatent, { patentNumbers: ['202210635727.1', '95115608.1'] })).toEqual([
      `patentNumbers[1] ${PATENT_NUMBER_MESSAGES.check}`,
    ]);
  });
});
