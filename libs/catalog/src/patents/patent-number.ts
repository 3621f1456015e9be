import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Chinese patent application numbers (专利申请号, CNIPA standard ZC 0006-2003), with the check
 * character after the dot:
 *
 *   since 2003-10-01   YYYYTNNNNNNN.C   202210635727.1   year, type, 7-digit serial, check
 *   1985 – 2003-09-30  YYTNNNNN.C       95115608.X       2-digit year, type, 5-digit serial, check
 *
 * Type (申请种类号): 1 invention, 2 utility model, 3 design, 8 PCT invention and 9 PCT utility
 * model entering the Chinese national phase. The check character is Σ digit × weight mod 11, with
 * weights 2,3,4,5,6,7,8,9 then 2,3,4,5, and 10 written X. The rule was checked against published
 * numbers of both forms (see the spec); because 11 is prime and every weight is below it, any
 * single wrong digit, and any swap of two different neighbouring digits, changes the check.
 *
 * The patent number (专利号) of a granted patent is its application number after `ZL`; `CN` may
 * also stand before an application number, with or without a space. The standard allows a space
 * between year and type and between type and serial, and nowhere else.
 */

const WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
/** After NFKC, trim and upper case: optional prefix, the digits with the standard's two optional spaces, dot, check. */
const LOOSE = /^(?:(?:ZL|CN)\s*)?(\d{4} ?\d ?\d{7}|\d{2} ?\d ?\d{5})\.([0-9X])$/;
const CURRENT = /^(\d{4})([12389])(\d{7})\.([0-9X])$/;
const LEGACY = /^(\d{2})([12389])(\d{5})\.([0-9X])$/;
/** The 12-digit form started in October 2003; the upper bound only catches typos such as 3021. */
const CURRENT_YEARS = { from: 2003, to: 2099 };

export type PatentNumberProblem = 'format' | 'check';

/** The check character over the 12 (or 8) digits before the dot. */
export function patentCheckChar(digits: string): string {
  if (!/^(\d{8}|\d{12})$/.test(digits)) throw new RangeError(`patentCheckChar wants 8 or 12 digits, got "${digits}"`);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (digits.charCodeAt(i) - 48) * WEIGHTS[i];
  const check = sum % 11;
  return check === 10 ? 'X' : String(check);
}

/**
 * The canonical form: no prefix, no spaces, upper-case X (`ZL 2022 1 0635727.1` →
 * `202210635727.1`; the old form stays old: `zl95115608.x` → `95115608.X`). Full-width digits and
 * dot are folded first. Input that is not shaped like a number comes back trimmed and upper-cased,
 * for patentNumberProblem to refuse.
 */
export function normalizePatentNumber(input: string): string {
  const text = input.normalize('NFKC').trim().toUpperCase();
  const match = LOOSE.exec(text);
  return match ? `${match[1].replace(/ /g, '')}.${match[2]}` : text;
}

/** Why the number is invalid, or undefined when it is a well-formed number whose check character holds. */
export function patentNumberProblem(input: string): PatentNumberProblem | undefined {
  const number = normalizePatentNumber(input);
  const current = CURRENT.exec(number);
  const legacy = current ? null : LEGACY.exec(number);
  if (current) {
    const year = Number(current[1]);
    if (year < CURRENT_YEARS.from || year > CURRENT_YEARS.to) return 'format';
  } else if (legacy) {
    // Two-digit years ran from 85 (the Patent Law took effect in April 1985) to 03.
    const year = Number(legacy[1]);
    if (year > 3 && year < 85) return 'format';
  } else {
    return 'format';
  }
  const [digits, check] = number.split('.');
  return patentCheckChar(digits) === check ? undefined : 'check';
}

export function isValidPatentNumber(input: string): boolean {
  return patentNumberProblem(input) === undefined;
}

export const PATENT_NUMBER_MESSAGES: Record<PatentNumberProblem, string> = {
  format:
    'must be a CN patent application number: 12 digits, a dot and a check character (e.g. 202210635727.1, ZL or CN prefix optional), or the pre-October-2003 form of 8 digits (e.g. 95115608.X)',
  check: 'has a wrong check character (the character after the dot, ZC 0006-2003)',
};

/** Element `index` of the value, or the value itself when it is not an array, with why it is invalid. */
function firstProblem(value: unknown): { index?: number; problem: PatentNumberProblem } | undefined {
  const items = Array.isArray(value) ? value : [value];
  for (let index = 0; index < items.length; index++) {
    const item: unknown = items[index];
    const problem = typeof item === 'string' ? patentNumberProblem(item) : 'format';
    if (problem) return { index: Array.isArray(value) ? index : undefined, problem };
  }
  return undefined;
}

/**
 * Normalises and validates a patent number, or every element of an array of them (no `each`
 * needed), and names the element and the problem: `patentNumbers[1] has a wrong check character …`.
 */
export function IsPatentNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    Transform(({ value }: { value: unknown }) => {
      if (typeof value === 'string') return normalizePatentNumber(value);
      return Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'string' ? normalizePatentNumber(item) : item)) : value;
    })(target, propertyKey);
    registerDecorator({
      name: 'isPatentNumber',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        // With `each`, class-validator calls this per element and the message still sees the whole array.
        validate: (value: unknown) => firstProblem(value) === undefined,
        defaultMessage: (args) => {
          const found = firstProblem(args?.value) ?? { problem: 'format' as const };
          const where = found.index === undefined ? `${args?.property}` : `${args?.property}[${found.index}]`;
          return `${where} ${PATENT_NUMBER_MESSAGES[found.problem]}`;
        },
      },
    });
  };
}
