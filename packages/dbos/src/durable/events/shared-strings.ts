/**
 * The long strings a stored value holds more than once, each kept once: `strings`, and `at`, the
 * places they were taken from (a path of keys and indices into the value, then the string's
 * index), which the stored value holds as `null`. A model's text is in its step's `content`, its
 * `response` and its `text`, and again in the result's `contents`, `newContents`, `parts` and
 * `text`: a 4 MB turn was 28 MB of a run's stored result and 12 MB of its `step-end`
 * (store-once42, bench/RESULTS.md).
 * @internal
 */
export type SharedStrings = {
  strings: string[];
  at: (string | number)[][];
};

/**
 * The shortest string kept once: shorter ones cost less than their place in `at` would (a path
 * such as `["steps",0,"response","candidates",0,"content","parts",0,"text",0]` is about 70
 * characters).
 * @internal
 */
export const MIN_SHARED_LENGTH = 1024;

/** How deep a stored value is walked (deeper, its strings stay where they are). */
const MAX_DEPTH = 64;

/**
 * Takes each string of at least {@link MIN_SHARED_LENGTH} characters that `value` holds more than
 * once out of it (each place set to `null`) and returns them once with their places, or
 * `undefined` when none repeats (`value` untouched). `value` is a JSON tree of the caller's own
 * (`toJsonSafe`'s copy), changed in place.
 * @internal
 */
export function shareLongStrings(value: unknown): SharedStrings | undefined {
  const counts = new Map<string, number>();
  walk(value, [], 0, (text) => {
    counts.set(text, (counts.get(text) ?? 0) + 1);
  });
  let repeated = false;
  for (const count of counts.values()) if (count > 1) repeated = true;
  if (!repeated) return undefined;
  const index = new Map<string, number>();
  const shared: SharedStrings = { strings: [], at: [] };
  walk(value, [], 0, (text, path, holder, key) => {
    if ((counts.get(text) ?? 0) < 2) return;
    let at = index.get(text);
    if (at === undefined) {
      at = shared.strings.push(text) - 1;
      index.set(text, at);
    }
    (holder as Record<string | number, unknown>)[key] = null;
    shared.at.push([...path, at]);
  });
  return shared;
}

/** Calls `visit` for each long string of `value`, with its path and the object or array holding it. */
function walk(
  value: unknown,
  path: (string | number)[],
  depth: number,
  visit: (text: string, path: (string | number)[], holder: object, key: string | number) => void,
): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  const each = (key: string | number, item: unknown): void => {
    if (typeof item === 'string') {
      if (item.length >= MIN_SHARED_LENGTH) visit(item, [...path, key], value, key);
    } else if (typeof item === 'object' && item !== null) {
      path.push(key);
      walk(item, path, depth + 1, visit);
      path.pop();
    }
  };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) each(index, value[index]);
  } else {
    for (const key of Object.keys(value)) each(key, (value as Record<string, unknown>)[key]);
  }
}

/**
 * Puts the strings {@link shareLongStrings} took out back into `value` (changed in place), or
 * says what is wrong with `shared` (a row read as hostile): a place that is not a `null` the
 * value holds, by its own keys only (no `__proto__` walk reaches a prototype).
 * @internal
 */
export function restoreLongStrings(value: unknown, shared: unknown): string | undefined {
  const { strings, at } = (shared ?? {}) as Partial<SharedStrings>;
  if (!Array.isArray(strings) || !Array.isArray(at))
    return 'holds shared strings that are not a list';
  if (!strings.every((text) => typeof text === 'string'))
    return 'holds a shared string that is not text';
  for (const place of at as unknown[]) {
    if (!Array.isArray(place) || place.length < 2)
      return 'names a shared string’s place that is not a path';
    const which = place[place.length - 1];
    if (!Number.isSafeInteger(which) || which < 0 || which >= strings.length) {
      return 'names a shared string it does not hold';
    }
    let holder: unknown = value;
    for (let index = 0; index < place.length - 2; index++) {
      holder = ownField(holder, place[index]);
    }
    const key = place[place.length - 2];
    if (typeof holder !== 'object' || holder === null || ownField(holder, key) !== null) {
      return 'names a place for a shared string that its value does not hold';
    }
    (holder as Record<string | number, unknown>)[key as string | number] = strings[which];
  }
  return undefined;
}

/** `holder[key]` when it is an own field (or an array's item), `undefined` otherwise. */
function ownField(holder: unknown, key: unknown): unknown {
  if (typeof holder !== 'object' || holder === null) return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if (Array.isArray(holder) !== (typeof key === 'number')) return undefined;
  return Object.hasOwn(holder, key) ? (holder as Record<string | number, unknown>)[key] : undefined;
}
