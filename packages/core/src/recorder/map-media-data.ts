/**
 * How deep into a line the walk goes (a run file from elsewhere may nest without end). Past the
 * deepest media a recorder writes: a tool's result is sent up to 1,000 levels deep
 * (to-json-value.ts) and sits some ten levels into its line, and a reference the walk did not
 * reach was read back as the reference's text (a fork sent it to the model in the image's place).
 * The walk overflows the stack some 3,500 levels down.
 */
const MAX_DEPTH = 1_100;

/**
 * A recorded line with each inline media value's `data` (an object holding a string `mimeType`
 * and a string `data`: Gemini's Blob) replaced by `replace(data, mimeType)`. Only the paths that
 * change are copied, in their key order, so `JSON.stringify` of the result differs from the
 * line's only where `data` did; the same object when nothing changed. A media holder's other
 * fields are walked too (a tool's `{ mimeType, data, preview: { mimeType, data } }`), as the
 * recorder's serializer visits them. Not recursed past 1,100 levels. Used by the recorded media
 * resolver and the viewer's placeholders. @internal
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
    const { mimeType } = holder;
    const isMedia = typeof mimeType === 'string' && typeof holder['data'] === 'string';
    let copy: Record<string, unknown> | undefined;
    for (const [name, item] of Object.entries(holder)) {
      const next =
        isMedia && name === 'data' ? replace(item as string, mimeType) : walk(item, depth + 1);
      if (next === item) continue;
      copy ??= { ...holder };
      copy[name] = next;
    }
    return copy ?? value;
  };
  return walk(line, 0) as T;
}
