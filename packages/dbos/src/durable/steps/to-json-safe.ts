/**
 * A JSON copy of a value, with errors as `{ name, message }`: what a run stores as its result and
 * streams as events must read back the same in any process (DBOS stores JSON), and an
 * `AgentResult` holds thrown causes and non-enumerable fields that JSON alone would lose.
 * @internal
 */
export function toJsonSafe<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(
    JSON.stringify(value, (_key, field: unknown) => {
      if (field instanceof Error) return { name: field.name, message: field.message };
      if (typeof field === 'bigint') return field.toString();
      return field;
    }),
  ) as T;
}
