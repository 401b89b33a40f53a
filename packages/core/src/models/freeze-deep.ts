/**
 * `value` frozen with every object inside it, for the tables gemloop hands out (its prices, its
 * models): one of them changed by a caller would change it for every agent in the process.
 * Returns `value`. Run once, at import, over a small table of plain data (no cycles).
 * @internal
 */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const inner of Object.values(value)) freezeDeep(inner);
  return value;
}
