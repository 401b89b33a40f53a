import { SkillError } from './skill-error.ts';

/** A front-matter value: a string, a list of strings, or a map of strings. @internal */
export type FrontMatterValue = string | string[] | Record<string, string>;

/**
 * Reads the YAML front matter of a `SKILL.md`: the subset the Agent Skills format uses (plain and
 * quoted scalars, `>` and `|` block scalars, one level of map for `metadata`, a `-` list). A full
 * YAML parser is a dependency for four fields, and YAML's rarer features (anchors, tags, flow
 * maps) have no use here; anything outside the subset is refused with the line, never guessed.
 * @internal
 */
export function readFrontMatter(
  text: string,
  file: string,
): { fields: Map<string, FrontMatterValue>; body: string } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw new SkillError({
      reason: 'front-matter',
      file,
      message: `${file}: must start with a "---" line and YAML front matter (name, description).`,
    });
  }
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
  if (end === -1) {
    throw new SkillError({
      reason: 'front-matter',
      file,
      message: `${file}: the front matter has no closing "---" line.`,
    });
  }
  const fields = new Map<string, FrontMatterValue>();
  let index = 1;
  // The line of the key being read: nested lines are consumed before their values are checked.
  let keyLine = 1;
  const fail = (message: string): never => {
    throw new SkillError({
      reason: 'front-matter',
      file,
      message: `${file} line ${keyLine + 1}: ${message}`,
    });
  };
  while (index < end) {
    const line = lines[index] as string;
    if (line.trim() === '' || line.trimStart().startsWith('#')) {
      index++;
      continue;
    }
    keyLine = index;
    const match = /^([A-Za-z][\w-]*):(?:\s+(.*))?$/.exec(line.trimEnd());
    if (match === null || /^\s/.test(line))
      fail(`expected "key: value", got ${JSON.stringify(line.slice(0, 80))}.`);
    const key = (match as RegExpExecArray)[1] as string;
    if (fields.has(key)) fail(`"${key}" is given twice.`);
    const raw = ((match as RegExpExecArray)[2] ?? '').trim();
    index++;
    const nested: string[] = [];
    while (
      index < end &&
      (/^\s/.test(lines[index] as string) || (lines[index] as string).trim() === '')
    ) {
      nested.push(lines[index] as string);
      index++;
    }
    while (nested.length > 0 && (nested.at(-1) as string).trim() === '') nested.pop();
    if (/^[>|][-+]?$/.test(raw)) {
      const texts = nested.map((text) => text.trim());
      fields.set(key, raw.startsWith('>') ? foldLines(texts) : texts.join('\n'));
    } else if (raw !== '') {
      if (nested.length > 0) fail(`"${key}" has a value and indented lines after it.`);
      fields.set(key, scalar(raw, fail));
    } else if (nested.length === 0) {
      fields.set(key, '');
    } else if (nested.every((text) => /^\s+-(\s|$)/.test(text) || text.trim() === '')) {
      fields.set(
        key,
        nested
          .filter((text) => text.trim() !== '')
          .map((text) => scalar(text.trim().slice(1).trim(), fail)),
      );
    } else {
      const map: Record<string, string> = {};
      for (const text of nested) {
        if (text.trim() === '' || text.trim().startsWith('#')) continue;
        const entry = /^\s+([^:\s][^:]*):(?:\s+(.*))?$/.exec(text.trimEnd());
        if (entry === null)
          fail(
            `"${key}" must hold "key: value" lines, got ${JSON.stringify(text.trim().slice(0, 80))}.`,
          );
        // Defined, not assigned: `map['__proto__'] = ...` would set the prototype (a string is
        // ignored), so a skill's "__proto__" metadata key would vanish.
        Object.defineProperty(map, ((entry as RegExpExecArray)[1] as string).trim(), {
          value: scalar(((entry as RegExpExecArray)[2] ?? '').trim(), fail),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      fields.set(key, map);
    }
  }
  return {
    fields,
    body: lines
      .slice(end + 1)
      .join('\n')
      .trim(),
  };
}

// A folded block joins lines with spaces and keeps blank lines as line breaks (YAML 1.2 §8.1.3).
function foldLines(texts: string[]): string {
  return texts
    .join('\n')
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.replace(/\n/g, ' '))
    .join('\n');
}

function scalar(raw: string, fail: (message: string) => never): string {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2) fail('a double-quoted value has no closing quote.');
    let value: string;
    try {
      value = JSON.parse(raw) as string;
    } catch {
      return fail('a double-quoted value has an escape JSON does not know.');
    }
    // The file is UTF-8 checked, but an escape can write half of a pair, which has no UTF-8 form:
    // in a description it went into the instructions of every request, which Gemini refused.
    const half = loneSurrogateAt(value);
    if (half !== -1) {
      const code = value.charCodeAt(half).toString(16).toUpperCase();
      fail(
        `a double-quoted value holds a lone surrogate (\\u${code} at index ${half}), half of a character: write the character itself, or both halves of its pair (as "\\uD83D\\uDC1B").`,
      );
    }
    return value;
  }
  if (raw.startsWith("'")) {
    if (!raw.endsWith("'") || raw.length < 2) fail('a single-quoted value has no closing quote.');
    return raw.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[{&*!]/.test(raw))
    fail(`flow collections, anchors and tags are not supported (${raw.slice(0, 40)}).`);
  // A plain scalar ends at " #" (a comment). Found by a two-character search, then trimmed: the
  // regex `/\s+#.*$/` this replaces backtracked over every run of spaces from each of its
  // starts, quadratic (a 250,000-space value in a 256 KiB SKILL.md held loadSkills for minutes).
  const comment = raw.search(/\s#/);
  return comment === -1 ? raw : raw.slice(0, comment).trimEnd();
}

/** The index of the first half of a UTF-16 pair without its other half, or -1. */
function loneSurrogateAt(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(index + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) index++;
    else return index;
  }
  return -1;
}
