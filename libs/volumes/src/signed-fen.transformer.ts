import type { ValueTransformer } from 'typeorm';

/**
 * Maps a `bigint` fen column to a JavaScript bigint and back, exactly (pg returns int8 as a
 * string). The rollups need a signed amount: a month whose only entries are downward adjustments
 * has a negative total, which Money (never negative) cannot hold.
 */
export const signedFenTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined): string | null | undefined => (value == null ? value : value.toString()),
  from: (value: string | null): bigint | null => (value == null ? null : BigInt(value)),
};
