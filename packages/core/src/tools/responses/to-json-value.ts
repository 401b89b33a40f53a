import { describeThrown } from '../../shared/describe-thrown.ts';
import { setOwnKey } from '../../shared/set-own-key.ts';

/** A JSON value, as a tool result must be to travel in `functionResponse.response`. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A value that cannot become JSON, with where it is. @internal */
export class NotJsonError extends Error {
  readonly path: (string | number)[];
  constructor(path: (string | number)[], reason: string) {
    super(reason);
    this.name = 'NotJsonError';
    this.path = path;
  }
}

/**
 * Makes a JSON value of a tool's result, deciding each non-JSON case instead of letting
 * `JSON.stringify` lose data silently:
 *
 * - `undefined` object properties are left out and array holes become `null` (as JSON does);
 * - objects with `toJSON()` (Date → ISO string, URL, decimal libraries) use it, as JSON does;
 * - `bigint` becomes its decimal string (exact, and readable by the model);
 * - `NaN` and `±Infinity` become the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON would
 *   say `null`, which reads as "no value");
 * - an `Error` becomes `{ name, message }` (JSON would say `{}`);
 * - a boxed primitive (`new Number(1)`) becomes its value, as JSON does;
 * - a `toJSON()` or getter that throws (or a proxy that does) throws a {@link NotJsonError} saying so;
 * - functions, symbols, circular structures, `Map`, `Set`, `WeakMap`, `WeakSet`, promises, a
 *   fetch `Response` and binary data (`Uint8Array`, `ArrayBuffer`, Buffer, `Blob`) throw a
 *   {@link NotJsonError} with the path: each is a bug in the tool or needs a choice only the tool
 *   can make.
 *
 * What it returns is a snapshot, never the tool's own objects (plain JSON is read once; a value
 * that needs converting is read again by the conversion, whose copy is then the snapshot), so a
 * getter or proxy that answers differently at each read cannot make what the model is sent differ
 * from what the run's record, events, spans and files hold, which all take this one (tools45).
 *
 * @throws {@link NotJsonError}
 * @internal
 */
export function toJsonValue(value: unknown): JsonValue {
  // Nearly every tool returns plain JSON already: copy it with a walk that builds no path per
  // value, and convert (which does, to name the one at fault) only when something has to change
  // or cannot be sent. Its one path, kept as it goes, names where a getter threw, so a value is
  // never read again to find the place.
  const path: (string | number)[] = [];
  let copy: unknown;
  try {
    copy = copyAsIs(value, path, 0);
  } catch (error) {
    throw new NotJsonError(path, `reading it threw (${describeThrown(error)})`);
  }
  if (copy !== NOT_AS_IS) return copy as JsonValue;
  const converted = convert(value, [], []);
  return converted === undefined ? null : converted;
}

/**
 * Levels of objects and arrays (and `toJSON` hops) a tool's result may nest: past this it is not
 * sent. JSON.stringify overflows the stack some thousands deep; real results nest a few dozen.
 */
const MAX_RESULT_DEPTH = 1_000;

// Deeper values go the slow way, which also catches cycles (the walk below does not track them).
const MAX_AS_IS_DEPTH = 64;

// why (sentinel): what `copyAsIs` answers for a value `convert` has to decide, told apart from
// every JSON value by identity.
const NOT_AS_IS: unique symbol = Symbol('not as is');

/**
 * A copy of `value` when it is JSON as it is: strings, booleans, finite numbers, null, and arrays
 * (without holes or `undefined`) and plain objects (without `undefined` values or a `toJSON`) of
 * those. Anything else (a cycle, great depth, a Date) is {@link NOT_AS_IS}, and `convert` decides.
 * A getter that throws throws, with `path` at its place.
 */
function copyAsIs(value: unknown, path: (string | number)[], depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_AS_IS;
    case 'object':
      break;
    default:
      return NOT_AS_IS;
  }
  if (value === null) return null;
  if (depth >= MAX_AS_IS_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return NOT_AS_IS;
  let copy: unknown[] | Record<string, unknown>;
  if (Array.isArray(value)) {
    copy = [];
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      // `undefined` and holes become null, which needs convert.
      const item = copyAsIs(value[index], path, depth + 1);
      path.pop();
      if (item === NOT_AS_IS) return NOT_AS_IS;
      copy.push(item);
    }
    return copy;
  }
  if (!isPlainObject(value)) return NOT_AS_IS;
  copy = {};
  for (const key in value) {
    path.push(key);
    // An `undefined` property is left out, which needs convert.
    const item = copyAsIs(value[key], path, depth + 1);
    path.pop();
    if (item === NOT_AS_IS) return NOT_AS_IS;
    setOwnKey(copy, key, item);
  }
  return copy;
}

function convert(
  value: unknown,
  path: (string | number)[],
  ancestors: object[],
): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
      throw new NotJsonError(path, 'a function is not JSON; return the value it computes');
    case 'symbol':
      throw new NotJsonError(path, 'a symbol is not JSON; return a string');
  }
  if (value === null) return null;
  try {
    return convertObjectValue(value as object, path, ancestors);
  } catch (error) {
    if (error instanceof NotJsonError) throw error;
    // A toJSON() or getter that throws, a proxy whose traps throw, a revoked proxy: the tool's
    // bug, reported at its path like any other value that cannot be sent.
    throw new NotJsonError(path, `reading it threw (${describeThrown(error)})`);
  }
}

function convertObjectValue(
  object: object,
  path: (string | number)[],
  ancestors: object[],
): JsonValue | undefined {
  // A bound, not the stack: 100,000 levels overflowed it after 1.5 s of walking (each level
  // copies its path and searches its ancestors), said as "reading it threw" (deep47).
  if (ancestors.length >= MAX_RESULT_DEPTH) {
    throw new NotJsonError(
      path,
      `it nests deeper than ${MAX_RESULT_DEPTH} levels; flatten it or send it as a string`,
    );
  }
  if (ancestors.includes(object)) {
    throw new NotJsonError(
      path,
      'a circular reference (an object that contains itself) is not JSON',
    );
  }
  const kind = unsupportedKind(object);
  if (kind !== undefined) throw new NotJsonError(path, kind);

  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const key = path.length === 0 ? '' : String(path[path.length - 1]);
    return convert(toJSON.call(object, key), path, [...ancestors, object]);
  }
  if (object instanceof Error) return { name: object.name, message: object.message };
  // `new Number(1)`, `Object('a')`: JSON sends the value; copied as an object it was `{}`.
  if (object instanceof Number || object instanceof String || object instanceof Boolean)
    return convert(object.valueOf(), path, ancestors);

  ancestors.push(object);
  try {
    if (Array.isArray(object)) return convertArray(object, path, ancestors);
    return convertObject(object as Record<string, unknown>, path, ancestors);
  } finally {
    ancestors.pop();
  }
}

function convertArray(
  array: unknown[],
  path: (string | number)[],
  ancestors: object[],
): JsonValue[] {
  const copy: JsonValue[] = [];
  for (let index = 0; index < array.length; index++)
    copy.push(convert(array[index], [...path, index], ancestors) ?? null);
  return copy;
}

// Class instances are copied into plain objects too, so nothing but data is sent.
function convertObject(
  object: Record<string, unknown>,
  path: (string | number)[],
  ancestors: object[],
): { [key: string]: JsonValue } {
  const copy: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(object)) {
    const converted = convert(object[key], [...path, key], ancestors);
    // setOwnKey: parsed data may hold a `__proto__` key, which a plain assignment would take as
    // the copy's prototype (dropping the key from what the model sees, and making the copy
    // inherit the data's fields).
    if (converted !== undefined) setOwnKey(copy, key, converted);
  }
  return copy;
}

function unsupportedKind(object: object): string | undefined {
  if (object instanceof Map) {
    return 'a Map is not JSON (JSON.stringify would send {}); return Object.fromEntries(map)';
  }
  if (object instanceof Set)
    return 'a Set is not JSON (JSON.stringify would send {}); return [...set]';
  if (object instanceof WeakMap || object instanceof WeakSet)
    return 'a WeakMap or WeakSet is not JSON';
  if (object instanceof Promise) return 'a Promise is not JSON; await it first';
  // Both have nothing JSON can see (JSON.stringify sends {}), and both are what a tool that
  // fetches returns when it forgets to read the body.
  if (typeof Response === 'function' && object instanceof Response) {
    return 'a fetch Response is not JSON (JSON.stringify would send {}); return await response.json() or await response.text()';
  }
  if (
    ArrayBuffer.isView(object) ||
    object instanceof ArrayBuffer ||
    (typeof Blob === 'function' && object instanceof Blob)
  ) {
    return 'binary data is not JSON; return it as media with toolResult({ parts: [{ mimeType, data }] }) or encode it (base64) yourself';
  }
  return undefined;
}

/** An object literal or `Object.create(null)`, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
