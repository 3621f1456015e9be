/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
 * 31-character alphabet (digits and capitals without I, O, Z, S, V).
 *
 *   1      registration authority (登记管理部门码)
 *   2      organisation category (机构类别码)
 *   3-8    administrative division (登记管理机关行政区划码, digits)
 *   9-17   organisation code (组织机构代码, GB 11714), whose 17th character is its own check
 *   18     check character over the first 17 (GB 32100-2015)
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{8}[0-9X][0-9A-HJ-NPQRTUWXY]$/;

/** GB 32100-2015 check character over the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]) * CODE_WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714 check character of a 9-character organisation code, over its first 8. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i];
    const value = ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55; // A=10 … Z=35
    sum += value * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export type CreditCodeProblem = 'format' | 'org-code-check' | 'check';

/** Upper-cases and strips spaces: codes are often pasted as "9150 0000 …" or in lower case. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/[\s\u3000]/g, '').toUpperCase();
}

/** Why a (normalised) code is invalid, or undefined when both check characters hold. */
export function creditCodeProblem(code: string): CreditCodeProblem | undefined {
  if (!SHAPE.test(code)) return 'format';
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) return 'org-code-check';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return undefined;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === undefined;
}

export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, string> = {
  format: 'must be an 18-character unified social credit code (digits and capitals, no I, O, Z, S or V)',
  'org-code-check': 'has a wrong organisation-code check character (17th character, GB 11714)',
  check: 'has a wrong check character (18th character, GB 32100-2015)',
};
