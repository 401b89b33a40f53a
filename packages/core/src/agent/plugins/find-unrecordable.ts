/** How deep a recorded state is walked; deeper is told as a problem (JSON's own walk would overflow). */
const MAX_DEPTH = 1000;

/**
 * Where `value` holds something a JSON record does not give back as it was, and what:
 * `run.state.seen is a Set` (a `Set` or `Map` comes back as `{}`, a `Date` as a string, a class
 * instance as a plain object, a function or symbol is dropped, `NaN` and `±Infinity` become
 * `null`, a BigInt fails or becomes a string, a cycle fails), or `undefined` when it is plain JSON
 * data. `undefined` itself is fine (a missing field reads the same). A durable runner stores a
 * `recordedState` plugin's `run.state` as JSON after each recorded call and puts that copy back,
 * so such a value changed under the plugin's next hook, far from the cause and only when durable
 * (attack45a). @internal
 */
export function findUnrecordable(value: unknown, at: string): string | undefined {
  return walk(value, at, new Set(), 0);
}

function walk(value: unknown, at: string, open: Set<object>, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${at} is ${value}`;
    case 'bigint':
      return `${at} is a BigInt`;
    case 'function':
      return `${at} is a function`;
    case 'symbol':
      return `${at} is a symbol`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (open.has(object)) return `${at} is a cycle (it holds itself)`;
  if (depth >= MAX_DEPTH) return `${at} is nested more than ${MAX_DEPTH} deep`;
  const array = Array.isArray(object);
  const prototype = Object.getPrototypeOf(object) as unknown;
  if (!array && prototype !== Object.prototype && prototype !== null)
    return `${at} is ${article(object.constructor?.name)}`;
  open.add(object);
  try {
    const entries: [string, unknown][] = array
      ? (object as unknown[]).map((item, index) => [`[${index}]`, item])
      : Object.entries(object).map(([key, item]) => [`.${key}`, item]);
    for (const [key, item] of entries) {
      const problem = walk(item, `${at}${key}`, open, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    open.delete(object);
  }
}

/** `a Set`, `an Error`, `an object of another class` (no constructor name). */
function article(name: string | undefined): string {
  if (name === undefined || name === '') return 'an object of another class';
  // `a Uint8Array`: its U is read as "you".
  return `${/^[AEIOU]/.test(name) && !name.startsWith('Uint') ? 'an' : 'a'} ${name}`;
}

/**
 * Where a recorded hook's result is or holds a function at its top (`result is a function`,
 * `result.result is a function`), or `undefined`. JSON drops a function, so `{ result: fn }` came
 * back from the record as `{}` and failed as a result of the wrong shape ("neither { result } nor
 * …"), blaming the hook's shape rather than the record (attack45a). Only the top: deeper, a
 * function is dropped the same way in process (a tool's result goes to the model as JSON), and
 * `Map`, `Date` and the rest come back the same on the first run and on a replay. @internal
 */
export function findFunctionResult(value: unknown): string | undefined {
  if (typeof value === 'function') return 'result is a function';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const key = Object.keys(value).find(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );
  return key === undefined ? undefined : `result.${key} is a function`;
}

/**
 * Where a recorded hook's result holds a value its record's JSON keeps as something else, and
 * what: `result.result.byId is a Map` (a `Map` or `Set` comes back as `{}`, a typed array or
 * buffer as an object of indexes, `NaN` and `±Infinity` as `null`), or `undefined`. The record's
 * copy is what the run uses, on the first run as on a replay, so before, the model was told `{}`
 * where the plugin returned a Map, silently; in process the same result is refused as a tool
 * error ("a Map is not JSON", attack67c). A tool hook's tool value never gets here with one: it is
 * recorded as the tool path sends it (`toRecordedToolValue`, durable68). What JSON keeps as the run would send it anyway is not
 * told: a Date (its ISO text), a BigInt (decimal text, the recorder's), an Error (`name` and
 * `message`), a class instance's fields, a function or symbol deeper than the top (dropped the
 * same way in process). An object with its own `toJSON` is not looked into (JSON keeps what that
 * returns). A value that cannot be read (a getter or a trap that throws) or a cycle is left to
 * the record's JSON, which fails on it, saying so. @internal
 */
export function findChangedByRecord(value: unknown): string | undefined {
  try {
    return changed(value, 'result', new Set(), 0);
  } catch {
    return undefined;
  }
}

function changed(value: unknown, at: string, open: Set<object>, depth: number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} is ${value}`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (open.has(value) || depth >= MAX_DEPTH) return undefined;
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value))
    return `${at} is ${article(value.constructor?.name)}`;
  if (value instanceof ArrayBuffer) return `${at} is an ArrayBuffer`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  open.add(value);
  try {
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [`[${index}]`, item])
      : Object.entries(value).map(([key, item]) => [`.${key}`, item]);
    for (const [key, item] of entries) {
      const problem = changed(item, `${at}${key}`, open, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    open.delete(value);
  }
}
