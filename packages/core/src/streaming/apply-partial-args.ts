import type { PartialArg } from '../wire/content.ts';

/**
 * Writes Vertex `partialArgs` fragments into the `args` object of a function call that is being
 * assembled (`functionCallingConfig.streamFunctionCallArguments`, wire reference section 8).
 *
 * Each fragment names a JSONPath (`$.location`, `$.recipe.ingredients[0].amount`,
 * `$['odd key']`) and one value (`stringValue`, `numberValue`, `boolValue` or `nullValue`). A
 * string with `willContinue: true` goes on in the next fragment for the same path, so the pieces
 * are concatenated. A path that cannot be followed (bad syntax, or it runs through a value of the
 * wrong kind) is not dropped: the value lands under the raw path as a top-level key.
 *
 * @param continuing The paths whose string value is still streaming; owned by the caller, one set
 *   per function call.
 * @internal
 */
export function applyPartialArgs(
  args: Record<string, unknown>,
  partialArgs: readonly PartialArg[],
  continuing: Set<string>,
): void {
  for (const fragment of partialArgs) {
    if (typeof fragment !== 'object' || fragment === null) continue;
    const path = fragment.jsonPath;
    if (typeof path !== 'string') continue;
    let value: unknown;
    let isString = false;
    if (typeof fragment.stringValue === 'string') {
      value = fragment.stringValue;
      isString = true;
    } else if (typeof fragment.numberValue === 'number') value = fragment.numberValue;
    else if (typeof fragment.boolValue === 'boolean') value = fragment.boolValue;
    else if ('nullValue' in fragment) value = null;
    else continue;

    const append = isString && continuing.has(path);
    if (isString && fragment.willContinue === true) continuing.add(path);
    else continuing.delete(path);

    const segments = parseJsonPath(path);
    if (segments === undefined || !setAtPath(args, segments, value, append)) {
      setAtPath(args, [path], value, append);
    }
  }
}

/**
 * Max distance past the end of an array an index may point: bounds a hostile `[1e9]`, and the holes
 * one fragment may leave (JSON writes each as `null`). At 1,000, fragments `$.a[1000]`,
 * `$.a[2000]`... made 889 KB of a stream into a 99.9 MB request body (attack27); Vertex streams an
 * array's elements in order.
 */
const MAX_INDEX_GAP = 8;

type Segment = string | number;

/**
 * Parses the JSONPath subset Vertex emits: `$`, then `.name`, `[0]` or `['name']` / `["name"]`.
 * A path without the leading `$` is read as if it had `$.` in front.
 * @internal
 */
export function parseJsonPath(path: string): Segment[] | undefined {
  let source = path;
  if (!source.startsWith('$')) source = `$.${source}`;
  const segments: Segment[] = [];
  let position = 1;
  while (position < source.length) {
    const character = source[position];
    if (character === '.') {
      let end = position + 1;
      while (end < source.length && source[end] !== '.' && source[end] !== '[') end++;
      if (end === position + 1) return undefined;
      segments.push(source.slice(position + 1, end));
      position = end;
    } else if (character === '[') {
      const quote = source[position + 1];
      if (quote === "'" || quote === '"') {
        let end = position + 2;
        let key = '';
        while (end < source.length && source[end] !== quote) {
          if (source[end] === '\\' && end + 1 < source.length) end++;
          key += source[end];
          end++;
        }
        if (source[end + 1] !== ']') return undefined;
        segments.push(key);
        position = end + 2;
      } else {
        const end = source.indexOf(']', position);
        if (end === -1) return undefined;
        const digits = source.slice(position + 1, end);
        if (!/^\d+$/.test(digits)) return undefined;
        segments.push(Number(digits));
        position = end + 1;
      }
    } else {
      return undefined;
    }
  }
  return segments.length === 0 ? undefined : segments;
}

function setAtPath(
  root: Record<string, unknown>,
  segments: readonly Segment[],
  value: unknown,
  append: boolean,
): boolean {
  if (typeof segments[0] !== 'string') return false;
  let container: Record<string, unknown> | unknown[] = root;
  for (let index = 0; index < segments.length - 1; index++) {
    const segment = segments[index] as Segment;
    const nextIsIndex = typeof segments[index + 1] === 'number';
    let child = read(container, segment);
    if (child === undefined) {
      child = nextIsIndex ? [] : {};
      if (!write(container, segment, child)) return false;
    } else if (nextIsIndex ? !Array.isArray(child) : !isRecord(child)) {
      return false;
    }
    container = child as Record<string, unknown> | unknown[];
  }
  const last = segments[segments.length - 1] as Segment;
  if (append) {
    const existing = read(container, last);
    if (typeof existing === 'string') return write(container, last, existing + (value as string));
  }
  return write(container, last, value);
}

function read(container: Record<string, unknown> | unknown[], segment: Segment): unknown {
  if (Array.isArray(container)) return typeof segment === 'number' ? container[segment] : undefined;
  // Own properties only: `toString` or `constructor` must not resolve to the prototype's.
  return typeof segment === 'string' && Object.hasOwn(container, segment)
    ? container[segment]
    : undefined;
}

function write(
  container: Record<string, unknown> | unknown[],
  segment: Segment,
  value: unknown,
): boolean {
  if (Array.isArray(container)) {
    if (typeof segment !== 'number' || segment > container.length + MAX_INDEX_GAP) return false;
    container[segment] = value;
    return true;
  }
  if (typeof segment !== 'string') return false;
  // A plain assignment to `__proto__` would replace the prototype instead of adding a key.
  Object.defineProperty(container, segment, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
