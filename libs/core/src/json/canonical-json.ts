/** What JSON can hold, and what a jsonb column gives back once the driver has parsed it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One fixed text for a value, so that a hash over it can be recomputed from what PostgreSQL gives
 * back: object keys sorted (by UTF-16 code unit, as RFC 8785 does) at every depth, no whitespace,
 * strings and numbers as `JSON.stringify` writes them, `toJSON()` honoured (a Date becomes its ISO
 * string, a Money its "1234.56"), bigints as decimal strings, and `undefined` dropped from objects
 * (`null` inside arrays, as JSON.stringify does).
 *
 * jsonb reorders keys and rewrites numbers (`1e21` comes back as `1000000000000000000000`), but
 * parsing it yields the same doubles and strings, so `canonicalJson(JSON.parse(stored))` equals
 * `canonicalJson(original)`. Values JSON cannot carry faithfully are refused rather than silently
 * changed: NaN and ±Infinity, invalid dates, functions, symbols, Maps, Sets and cycles.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, '$', new Set());
  if (text === undefined) throw new TypeError('canonicalJson: undefined has no JSON form');
  return text;
}

function write(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
      // JSON.stringify gives the shortest text that parses back to the same double, and "0" for -0.
      return JSON.stringify(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot represent`);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (object instanceof Date && Number.isNaN(object.getTime())) throw new TypeError(`canonicalJson: ${path} is an invalid Date`);
  if (object instanceof Map || object instanceof Set) {
    throw new TypeError(`canonicalJson: ${path} is a ${object.constructor.name}; convert it to an object or an array first`);
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(object) as unknown, path, ancestors);
  if (ancestors.has(object)) throw new TypeError(`canonicalJson: ${path} refers back to one of its ancestors`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item, i) => write(item, `${path}[${i}]`, ancestors) ?? 'null').join(',')}]`;
    }
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const text = write((object as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/** The value as it will read back from a jsonb column: what gets hashed and stored. */
export function toJsonValue(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(canonicalJson(value)) as JsonValue);
}
