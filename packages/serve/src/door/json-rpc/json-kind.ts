/**
 * The JSON kind of a value in words ("a string", "an array", "null", "missing"), never the value
 * itself: a door's error names what a field was without echoing a client's text. @internal
 */
export function jsonKind(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
