import { readFileSync } from 'node:fs';

/** A `@defaultValue` as written in an option's TSDoc, and the value it starts with, if any. */
export type DocumentedDefault = {
  /** The tag's text, whitespace collapsed. */
  readonly text: string;
  /**
   * The literal the text starts with (`10`, `'as-ready'`, `true`, `Infinity`, `Date.now`), or
   * `prose` when the text starts with words (`none`, `off`, `gemloop's table`): a default that
   * has no single value, and so is declared nowhere.
   */
  readonly value: { readonly literal: unknown } | 'prose';
};

const literals: Readonly<Record<string, unknown>> = {
  true: true,
  false: false,
  Infinity: Number.POSITIVE_INFINITY,
  'Date.now': Date.now,
};

/** The value a `@defaultValue` text starts with (backticks dropped), see {@link DocumentedDefault}. */
export function readDefaultLiteral(text: string): DocumentedDefault['value'] {
  const first = /^`?('[^']*'|-?[0-9][0-9_]*(?:\.[0-9]+)?|[A-Za-z_.]+)`?(?=$|[\s,;(])/.exec(text)?.[1];
  if (first === undefined) return 'prose';
  if (first.startsWith("'")) return { literal: first.slice(1, -1) };
  if (/^-?[0-9]/.test(first)) return { literal: Number(first.replaceAll('_', '')) };
  return Object.hasOwn(literals, first) ? { literal: literals[first] } : 'prose';
}

/**
 * The `@defaultValue` of each property of the object type `typeName` declared in `file`, read
 * from the source: what a user reads on hover, so a test can hold it to the declared default
 * instead of a hand copy. Properties without the tag are left out.
 */
export function readDocumentedDefaults(
  file: URL,
  typeName: string,
): ReadonlyMap<string, DocumentedDefault> {
  const source = readFileSync(file, 'utf8');
  const start = new RegExp(`^export type ${typeName}(?:<[^\\n]*>)? = \\{$`, 'm').exec(source);
  if (start === null) throw new Error(`${file.pathname} declares no object type ${typeName}`);
  const end = source.indexOf('\n};', start.index);
  const body = source.slice(start.index + start[0].length, end);
  const documented = new Map<string, DocumentedDefault>();
  // A top-level property: its TSDoc, any line comments, then `  name?:` at two spaces.
  const property = /\n {2}\/\*\*([\s\S]*?)\*\/(?:\n {2}\/\/[^\n]*)*\n {2}(\w+)\??:/g;
  for (const [, comment = '', name = ''] of body.matchAll(property)) {
    const tag = /@defaultValue\s+([\s\S]*?)(?=\s@\w|$)/.exec(
      comment.replace(/\n\s*\*\s?/g, ' ').trim(),
    );
    if (tag?.[1] === undefined) continue;
    const text = tag[1].trim();
    documented.set(name, { text, value: readDefaultLiteral(text) });
  }
  return documented;
}

/**
 * Where the TSDoc of `typeName` (in `file`) and the declared `defaults` disagree, one line each:
 * a default its `@defaultValue` does not state (or states as another value), or a
 * `@defaultValue` literal that no default applies. Empty when they agree.
 */
export function defaultsMismatches(
  file: URL,
  typeName: string,
  defaults: object,
): readonly string[] {
  const documented = readDocumentedDefaults(file, typeName);
  const mismatches: string[] = [];
  for (const [key, value] of Object.entries(defaults)) {
    const tag = documented.get(key);
    if (tag === undefined) mismatches.push(`${key}: declared ${String(value)}, documented nowhere`);
    else if (tag.value === 'prose' || !Object.is(tag.value.literal, value)) {
      mismatches.push(`${key}: declared ${String(value)}, documented as ${tag.text}`);
    }
  }
  for (const [key, tag] of documented) {
    if (tag.value !== 'prose' && !Object.hasOwn(defaults, key)) {
      mismatches.push(`${key}: documented as ${tag.text}, declared nowhere`);
    }
  }
  return mismatches;
}
