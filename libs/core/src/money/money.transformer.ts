import type { ValueTransformer } from 'typeorm';
import { Money } from './money.js';

/**
 * Maps a `bigint` fen column to Money and back. pg returns int8 as a string, which BigInt reads
 * exactly; nothing passes through a JS number.
 */
export const moneyTransformer: ValueTransformer = {
  to: (value: Money | null | undefined): string | null | undefined => (value == null ? value : value.fen.toString()),
  from: (value: string | null): Money | null => (value == null ? null : Money.ofFen(BigInt(value))),
};
