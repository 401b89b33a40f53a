/**
 * Reads of a thrown value that never throw themselves: a hostile error's getter that throws
 * tells nothing, so it reads as empty. Shared by the copies of an error that the durable worker
 * stores (`redacted-run-error.ts`, `children/stored-child-error.ts`).
 */

/** A plain, enumerable, writable data property holding `value`. @internal */
export function field(value: unknown): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true };
}

/** `error.message` or `error.name` when it is a string; `''` when it is not or its getter throws. @internal */
export function readText(error: Error, key: 'message' | 'name'): string {
  try {
    const value = error[key];
    return typeof value === 'string' ? value : '';
  } catch {
    // A getter that throws tells nothing.
    return '';
  }
}

/** `value[key]`, or `undefined` when its getter throws. @internal */
export function readOwn(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
