/**
 * The API's lists: the vendor's overview and the AAC spec wrap every list as `{data: […]}`, inside objects too;
 * some answers and older editions give a plain array. Both are read alike, at every level. Pure.
 */

/** The items of a list given as `[…]` or `{data: […]}`; [] for anything else. */
export function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  const data = field(value, 'data')
  return Array.isArray(data) ? data : []
}

/** A field of a parsed JSON value, without trusting its shape (undefined where `value` is no object). */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined
}

/** An id from an answer: a positive safe integer, else undefined. */
export function idOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined
}
