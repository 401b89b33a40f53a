import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 53 item 2, "the loop names no feature", for the guardrails (stage 3): the code of the loop's
 * rooms (`agent/loop`, `run-state`, `tool-calls`, `config`; comments left out, tests too) names no
 * guardrail. The guardrails are plugins of the seam (`guardrails/`): the run's plugins carry their
 * levels (handed down, the agent's, the run's own), the seam places their tool checks last
 * (`companions`), and their checks report themselves (`run.reportCheck`). What the rooms may
 * still say, and why, is listed below; any other word with "guardrail" in it fails, naming file,
 * line and word. (`.dependency-cruiser.mjs`'s `core-loop-no-feature` forbids the imports; this
 * catches what an import rule cannot: a type declared beside the run state, a field, a branch.)
 */
const ROOMS = ['loop', 'run-state', 'tool-calls', 'config'];

const ALLOWED: Record<string, { readonly words: readonly string[]; readonly why: string }> = {
  'tool-calls': {
    // The seam's trip: `run.trip` (any plugin's, a third party's policy too) throws
    // `GuardrailTrippedError`, public in `@gemloop/core/plugins` and `/errors`, whose name, fields
    // and `phase` (`GuardrailPhase`) every surface reads; from a tool hook the call's outcome is
    // `guardrail-tripped` and the model is told the call "was stopped by a guardrail (name)" (the
    // text the spans, the recorder and tests read). A plugin's `ask` with no `askedBy` names its
    // asker as a tool guardrail did. Renaming them would break what users catch and read.
    words: [
      'GuardrailTrippedError',
      '../errors/guardrail-tripped-error.ts',
      '../../errors/guardrail-tripped-error.ts',
      'guardrail-tripped',
      'guardrailName',
      'GuardrailPhase',
      '../../run/guardrail-check-record.ts',
      'guardrail',
    ],
    why: "the seam's trip (GuardrailTrippedError, the guardrail-tripped outcome and its texts)",
  },
  config: {
    // The public option: `createAgent({ guardrails })`, `run(input, { guardrails })` and a chat's
    // are declared and checked here (every option is, once: issue 53 item 7); their value is
    // sugar for the plugins it carries (`leading`, `trailing`), which `options/plugins.ts` adds.
    words: [
      'guardrails',
      'GuardrailsValue',
      './guardrails-value.ts',
      '../guardrails-value.ts',
      'isGuardrails',
      'guardrailsValueCheck',
      './options/guardrails.ts',
      'guardrailsOption',
      '@gemloop/core/guardrails',
    ],
    why: 'the public `guardrails` option, declared and checked with every option',
  },
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENT = join(ROOT, 'packages', 'core', 'src', 'agent');

function sourceFilesOf(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFilesOf(path);
    return entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

// After one of these (or at the start) a `/` that opens no comment opens a regular expression
// literal; after a name, a number or `)` it divides.
const BEFORE_REGEX =
  /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|of|in|void|yield|await))\s*$/;

/**
 * The end (the index after its closing `/`) of the regular expression literal opening at `at`:
 * a `/` inside a class (`[/]`) or escaped does not close it. Its quotes are not strings
 * (`/[\s"'(=]/` opens none).
 */
function regexEnd(source: string, at: number): number {
  let inClass = false;
  for (let index = at + 1; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') index++;
    else if (char === '\n') return index;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '/') return index + 1;
  }
  return source.length;
}

/**
 * `source` with its comments blanked (line breaks kept, so lines still count): strings, template
 * texts and regular expression literals stay, since a message that names a feature names it too.
 */
export function withoutComments(source: string): string {
  let out = '';
  let quote: string | undefined;
  for (let at = 0; at < source.length; at++) {
    const char = source[at] as string;
    const next = source[at + 1];
    if (quote === undefined && char === '/' && next !== '/' && next !== '*') {
      if (BEFORE_REGEX.test(out.slice(-40))) {
        const end = regexEnd(source, at);
        out += source.slice(at, end);
        at = end - 1;
        continue;
      }
    }
    if (quote !== undefined) {
      out += char;
      if (char === '\\') {
        out += next ?? '';
        at++;
      } else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '/' && next === '/') {
      while (at < source.length && source[at] !== '\n') at++;
      out += '\n';
      continue;
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', at + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(at, stop).replace(/[^\n]/g, ' ');
      at = stop - 1;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    out += char;
  }
  return out;
}

type Named = { file: string; line: number; word: string };

/** A path as it is; else the part of `a.b.c` that names a guardrail (`error.guardrailName`). */
export function wordOf(match: string): string {
  if (match.includes('/')) return match;
  return match.split('.').find((part) => /[Gg]uardrail/.test(part)) ?? match;
}

/** Every word naming a guardrail in the code of `file` (comments left out). */
function guardrailWordsIn(file: string): Named[] {
  const found: Named[] = [];
  withoutComments(readFileSync(file, 'utf8'))
    .split('\n')
    .forEach((text, index) => {
      for (const match of text.matchAll(/[\w@./-]*[Gg]uardrail[\w./-]*/g))
        found.push({ file: relative(ROOT, file), line: index + 1, word: wordOf(match[0]) });
    });
  return found;
}

describe("the loop's rooms", () => {
  it('blank comments and keep strings', () => {
    const source = "a // guardrail\nb /* guardrail\n */ c = '// guardrail' + `/* x */`";
    const code = withoutComments(source);
    expect(code.split('\n')).toHaveLength(3);
    expect(code.replace(/\s+/g, ' ')).toBe("a b c = '// guardrail' + `/* x */`");
  });

  it("read a regular expression's quotes as no string, and a division as no regex", () => {
    // A pattern with an unpaired quote (safe-tool-error-message.ts's CREDENTIALS_AT_HOST) made
    // every comment after it count as code.
    const source =
      'const R = /[\\s"\'(=]x\\/[/]/g; // guardrail\nconst q = a / b / c; // guardrail';
    const code = withoutComments(source);
    expect(code).not.toContain('guardrail');
    expect(code).toContain('/[\\s"\'(=]x\\/[/]/g;');
    expect(code).toContain('a / b / c;');
  });

  it('find a word that names a guardrail (the check can fail)', () => {
    const words = withoutComments('const x: EngineGuardrails = context.guardrails; // guardrail')
      .split('\n')
      .flatMap((text) =>
        [...text.matchAll(/[\w@./-]*[Gg]uardrail[\w./-]*/g)].map((m) => wordOf(m[0])),
      );
    expect(words).toEqual(['EngineGuardrails', 'guardrails']);
    expect(ALLOWED['loop']).toBeUndefined();
  });

  it.each(ROOMS)('agent/%s names no guardrail but what the seam and the option must', (room) => {
    const allowed = ALLOWED[room]?.words ?? [];
    const named = sourceFilesOf(join(AGENT, room))
      .flatMap(guardrailWordsIn)
      .filter(({ word }) => !allowed.includes(word))
      .map(({ file, line, word }) => `${file}:${line} ${word}`);
    expect(named).toEqual([]);
  });
});
