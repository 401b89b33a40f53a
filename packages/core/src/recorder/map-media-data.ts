/** How deep into a line the walk goes (a run file from elsewhere may nest without end). */
const MAX_DEPTH = 64;

/**
 * A recorded line with each inline media value's `data` (an object holding a string `mimeType`
 * and a string `data`: Gemini's Blob) replaced by `replace(data, mimeType)`. Only the paths that
 * change are copied, in their key order, so `JSON.stringify` of the result differs from the
 * line's only where `data` did; the same object when nothing changed. Not recursed past 64
 * levels. Used by the recorded media resolver and the viewer's placeholders. @internal
 */
export function mapMediaData<T>(line: T, replace: (data: string, mimeType: string) => string): T {
  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (const [index, item] of value.entries()) {
        const next = walk(item, depth + 1);
        if (next === item) continue;
        copy ??= [...value];
        copy[index] = next;
      }
      return copy ?? value;
    }
    const holder = value as Record<string, unknown>;
    const { mimeType, data } = holder;
    if (typeof mimeType === 'string' && typeof data === 'string') {
      const next = replace(data, mimeType);
      return next === data ? value : { ...holder, data: next };
    }
    let copy: Record<string, unknown> | undefined;
    for (const [name, item] of Object.entries(holder)) {
      const next = walk(item, depth + 1);
      if (next === item) continue;
      copy ??= { ...holder };
      copy[name] = next;
    }
    return copy ?? value;
  };
  return walk(line, 0) as T;
}
