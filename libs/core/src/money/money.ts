/** Largest amount a PostgreSQL `bigint` fen column holds: 2^63 - 1 fen. */
export const MAX_FEN = 9_223_372_036_854_775_807n;

const WIRE_FORMAT = /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

export class MoneyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyParseError';
  }
}

/**
 * An exact, non-negative amount of yuan held as integer fen (1 yuan = 100 fen) in a bigint.
 * It is the only type that touches amounts: parse the wire format with `Money.parse`, store it
 * through `moneyTransformer`, and print it with `toString()` ("1234.56").
 */
export class Money {
  static readonly ZERO = new Money(0n);

  private constructor(readonly fen: bigint) {}

  static ofFen(fen: bigint): Money {
    if (fen < 0n) throw new RangeError(`Money cannot be negative (${fen} fen)`);
    if (fen > MAX_FEN) throw new RangeError(`Money exceeds the largest storable amount (${fen} fen)`);
    return fen === 0n ? Money.ZERO : new Money(fen);
  }

  /** Whole yuan, for constants such as targets: `Money.ofYuan(30_000_000_000n)`. */
  static ofYuan(yuan: bigint): Money {
    return Money.ofFen(yuan * 100n);
  }

  /**
   * Parses the wire format: a decimal string of yuan with at most two decimals ("300",
   * "300.5", "1234.56"). Refuses signs, exponents, separators, spaces, a third decimal, full-width
   * digits ("１２３") and amounts beyond the column's range: the JSON API takes one spelling.
   * (A spreadsheet import normalises what people type before it parses.)
   */
  static parse(input: unknown): Money {
    if (typeof input !== 'string') throw new MoneyParseError('must be a decimal string such as "1234.56", not a number');
    const match = WIRE_FORMAT.exec(input);
    if (!match) {
      throw new MoneyParseError('must be a non-negative decimal string with at most two decimals, such as "1234.56"');
    }
    const [, whole, decimals = ''] = match;
    const fen = BigInt(whole) * 100n + BigInt(decimals.padEnd(2, '0'));
    if (fen > MAX_FEN) throw new MoneyParseError('is larger than the largest amount that can be stored');
    return Money.ofFen(fen);
  }

  static tryParse(input: unknown): Money | undefined {
    try {
      return Money.parse(input);
    } catch {
      return undefined;
    }
  }

  static sum(amounts: Iterable<Money>): Money {
    let total = 0n;
    for (const amount of amounts) total += amount.fen;
    return Money.ofFen(total);
  }

  plus(other: Money): Money {
    return Money.ofFen(this.fen + other.fen);
  }

  /** Throws a RangeError if the result would be negative. */
  minus(other: Money): Money {
    return Money.ofFen(this.fen - other.fen);
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.fen < other.fen ? -1 : this.fen > other.fen ? 1 : 0;
  }

  equals(other: Money): boolean {
    return this.fen === other.fen;
  }

  isZero(): boolean {
    return this.fen === 0n;
  }

  /** The wire format, always with two decimals: "1234.56". */
  toString(): string {
    return fenText(this.fen);
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * Fen as yuan with two decimals, exactly ("1234.56"; "-12.05" for a negative amount, which a
 * Money never is but a sum of corrections can be).
 */
export function fenText(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
