import { formatPath, readZodKind, zodChildren } from './inline-refs.ts';
import type { SchemaPath } from './schema-warning.ts';

/**
 * zod 4's refusals of a type JSON cannot carry, by the words they start with ("Date cannot be
 * represented in JSON Schema", zod `v4/core/json-schema-processors.js`): the kind of schema that
 * makes each, and what to use instead. zod 4 names neither the place nor a fix.
 */
const ZOD4_NOT_JSON: Record<string, readonly [kind: string, instead: string]> = {
  Date: ['date', 'z.iso.datetime() (a string; make the Date from it)'],
  BigInt: ['bigint', 'z.int() or z.string() (make the bigint from it)'],
  Map: ['map', 'z.record() or an array of [key, value] pairs'],
  Set: ['set', 'z.array()'],
  Symbols: ['symbol', 'z.string()'],
  NaN: ['nan', 'z.number()'],
  Undefined: ['undefined', 'z.null(), or leave the field out with .optional()'],
  Void: ['void', 'z.null(), or leave the field out with .optional()'],
  'Custom types': [
    'custom',
    'a JSON type (z.string(), z.object(...)): the model cannot be told what z.custom() or z.instanceof() accept',
  ],
  'Function types': ['function', 'a JSON value'],
  Transforms: [
    'transform',
    'a schema of the input before the transform: z.string().transform(...)',
  ],
};

// Past this many schemas the search gives up (a real tool's schema is far smaller).
const MAX_WALKED = 20_000;

/**
 * Where in a zod 4 schema the type is that zod's converter refused with `message`, and what to
 * use instead, to append to that message: ` at properties.legs.items.properties.at; use
 * z.iso.datetime() ...`, in the path
 * the converted schema would have had. `undefined` for another message, or when no such type is
 * found (zod 3 names its place itself). Node only: the web half says nothing more than zod does.
 * @internal
 */
export function describeZodNotJson(schema: unknown, message: string): string | undefined {
  const label = Object.keys(ZOD4_NOT_JSON).find((word) =>
    message.startsWith(`${word} cannot be represented`),
  );
  if (label === undefined) return undefined;
  const [wanted, instead] = ZOD4_NOT_JSON[label] as readonly [string, string];
  const seen = new Set<unknown>();
  const pending: [unknown, SchemaPath][] = [[schema, []]];
  for (let item = pending.pop(); item && seen.size < MAX_WALKED; item = pending.pop()) {
    const [node, path] = item;
    const read = readZodKind(node);
    // A recursive schema (`z.lazy`) is met again inside itself: walked once.
    if (read === undefined || !read.zod4 || seen.has(node)) continue;
    seen.add(node);
    if (read.kind === wanted) return ` at ${formatPath(path)}; use ${instead}`;
    // Reversed, so the first child is searched first, as zod's converter meets them.
    for (const [child, ...segments] of zodChildren(read.kind, true, read.def).reverse())
      pending.push([child, [...path, ...segments]]);
  }
  return undefined;
}
