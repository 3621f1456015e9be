import { describe, expect, it } from '@jest/globals';
import {
  CREDIT_CODE_MESSAGES,
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
  normalizeCreditCode,
  orgCodeCheckChar,
} from './credit-code.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Published codes of real organisations: both check characters hold. */
const REAL_CODES = ['914403001922038216', '9144030071526726XG', '91330100716105852F', '91110000802100433B'];

const withCharAt = (code: string, position: number, ch: string) => code.slice(0, position) + ch + code.slice(position + 1);

/** A code whose org-code and final check characters are both computed, around the given 8-char body. */
function codeWithBody(body: string): string {
  const first17 = `91500000${body}${orgCodeCheckChar(body)}`;
  return first17 + creditCodeCheckChar(first17);
}

describe('creditCodeProblem on real codes', () => {
  it.each(REAL_CODES)('accepts %s', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
    expect(isValidCreditCode(code)).toBe(true);
  });

  it.each(REAL_CODES)('catches every single-character substitution in %s', (code) => {
    let mutations = 0;
    const uncaught: string[] = [];
    for (let position = 0; position < 18; position++) {
      for (const ch of ALPHABET) {
        if (ch === code[position]) continue;
        const mutated = withCharAt(code, position, ch);
        mutations++;
        if (creditCodeProblem(mutated) === undefined) uncaught.push(mutated);
      }
    }
    expect(mutations).toBe(18 * 30);
    expect(uncaught).toEqual([]);
  });

  it('names which check a substitution breaks', () => {
    const code = '914403001922038216';
    // Division digits (3-8) must be digits.
    expect(creditCodeProblem(withCharAt(code, 2, 'A'))).toBe('format');
    // The 17th character is a digit or X.
    expect(creditCodeProblem(withCharAt(code, 16, 'A'))).toBe('format');
    // Any other digit in the 17th place breaks the organisation-code check.
    expect(creditCodeProblem(withCharAt(code, 16, '2'))).toBe('org-code-check');
    expect(creditCodeProblem(withCharAt(code, 16, 'X'))).toBe('org-code-check');
    // Changing the organisation code's body breaks its own check first.
    expect(creditCodeProblem(withCharAt(code, 8, '2'))).toBe('org-code-check');
    // Outside the organisation code only the final check can notice.
    expect(creditCodeProblem(withCharAt(code, 0, '5'))).toBe('check');
    expect(creditCodeProblem(withCharAt(code, 3, '5'))).toBe('check');
    expect(creditCodeProblem(withCharAt(code, 17, '7'))).toBe('check');
  });

  it('falls back to the final check when a body change keeps the GB 11714 sum mod 11', () => {
    // '0' → 'B' adds 11 × weight to the organisation-code sum: invisible mod 11, visible mod 31.
    const code = '914403001922038216';
    const mutated = withCharAt(code, 12, 'B');
    expect(orgCodeCheckChar(mutated.slice(8, 16))).toBe(code[16]);
    expect(creditCodeProblem(mutated)).toBe('check');
  });
});

describe('creditCodeProblem on malformed input', () => {
  const code = '914403001922038216';

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the letter %s in every position as format', (letter) => {
    for (let position = 0; position < 18; position++) {
      expect([position, creditCodeProblem(withCharAt(code, position, letter))]).toEqual([position, 'format']);
    }
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses %s in the organisation code even when both check characters are computed', (letter) => {
    const forged = codeWithBody(`${letter}2345678`);
    expect(forged).toHaveLength(18);
    expect(creditCodeProblem(forged)).toBe('format');
    expect(isValidCreditCode(forged)).toBe(false);
  });

  it('refuses a code of the wrong length', () => {
    expect(creditCodeProblem(code.slice(0, 17))).toBe('format');
    expect(creditCodeProblem(`${code}0`)).toBe('format');
    expect(creditCodeProblem('')).toBe('format');
  });

  it('refuses lower case and spaces until normalised', () => {
    expect(creditCodeProblem('9144030071526726xg')).toBe('format');
    expect(creditCodeProblem('9144 0300 7152 6726 XG')).toBe('format');
  });

  it('gives org-code-check for a wrong 17th character', () => {
    expect(creditCodeProblem('914403001922038226')).toBe('org-code-check');
    expect(creditCodeProblem('9144030071526726' + '0G')).toBe('org-code-check');
  });

  it('gives check for a wrong 18th character', () => {
    expect(creditCodeProblem('914403001922038210')).toBe('check');
    expect(creditCodeProblem('9144030071526726XH')).toBe('check');
  });

  it('has a message for every problem', () => {
    expect(Object.keys(CREDIT_CODE_MESSAGES).sort()).toEqual(['check', 'format', 'org-code-check']);
  });
});

describe('normalizeCreditCode', () => {
  it('upper-cases and strips ASCII and full-width spaces', () => {
    expect(normalizeCreditCode('9144030071526726xg')).toBe('9144030071526726XG');
    expect(normalizeCreditCode(' 9144 0300 7152 6726 xg ')).toBe('9144030071526726XG');
    expect(normalizeCreditCode('9133\u30000100\t7161\n05852f')).toBe('91330100716105852F');
  });

  it('makes a pasted real code valid', () => {
    expect(creditCodeProblem(normalizeCreditCode('9111 0000 8021 0043 3b'))).toBeUndefined();
  });
});

describe('orgCodeCheckChar (GB 11714)', () => {
  it.each([
    ['19220382', '1'],
    ['71526726', 'X'],
    ['71610585', '2'],
    ['80210043', '3'],
  ])('gives %s the check character %s', (body, check) => {
    expect(orgCodeCheckChar(body)).toBe(check);
  });

  it('maps a remainder of 0 to "0"', () => {
    expect(orgCodeCheckChar('00000000')).toBe('0');
  });

  it('reads letters as A=10 … Z=35', () => {
    // 10×3 + 1×7 = 37 ≡ 4 (mod 11) → 11 − 4 = 7.
    expect(orgCodeCheckChar('A1000000')).toBe('7');
  });
});

describe('creditCodeCheckChar (GB 32100)', () => {
  it.each(REAL_CODES)('gives the 18th character of %s', (code) => {
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('maps a sum divisible by 31 to "0"', () => {
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });
});
