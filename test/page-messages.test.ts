import { GemloopError } from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import { describe, expect, it } from 'vitest';
import { codeOf, descendsFromGemloopError, errorClasses } from './error-classes.ts';

/**
 * Every door (OpenAI, A2A, AG-UI, MCP, a page's event stream) tells a failed run by the words its
 * error's code has in core's one table (`toBrowserError`), never by the error's message; a code
 * without words reads `The run failed.`, which tells the page's user nothing to act on. Seventeen
 * codes had none (errors43's list), a plugin's until errors43: so every code of every package's
 * error classes must have words, and a new error class cannot ship without them (page-words44).
 */
const RUN_FAILED = 'The run failed.';
const SECRET = 'AIzaSyPageWords-0123456789 postgres://app:hunter2@10.0.0.5/db /srv/app/notes.md';

/** A gemloop error of `code` whose message holds what a page must never see. */
function errorOfCode(code: string): GemloopError {
  const error = new GemloopError({ message: `failed: ${SECRET}`, cause: new Error(SECRET) });
  Object.defineProperty(error, 'code', { value: code });
  return error;
}

describe('page words', () => {
  it("gives every code of every package's error classes words of its own", () => {
    const classes = errorClasses();
    const codes = new Map<string, string>();
    const codeless: string[] = [];
    for (const [name, found] of classes) {
      if (!descendsFromGemloopError(classes, name)) continue;
      const code = codeOf(classes, name);
      if (code === undefined) codeless.push(`${found.file}: ${name}`);
      else codes.set(code, `${found.file}: ${name}`);
    }
    // The scan finds the classes of core, dbos, serve, tools, cli and evals, so an empty or
    // partial pass cannot hide a miss; a class whose code the scan cannot read is a miss too.
    expect(codes.size).toBeGreaterThan(70);
    for (const code of ['plugin', 'durable-run', 'openai-request', 'web-fetch', 'eval-dataset'])
      expect([...codes.keys()]).toContain(code);
    expect(codeless).toEqual([]);
    const wordless = [...codes]
      .filter(([code]) => toBrowserError(errorOfCode(code), undefined).message === RUN_FAILED)
      .map(([code, where]) => `${code} (${where})`);
    expect(wordless, 'add words for these codes to PAGE_MESSAGES (to-browser-error.ts)').toEqual(
      [],
    );
  });

  it("says each code's words in a sentence or two, nothing of the error's message or cause", () => {
    const classes = errorClasses();
    const codes = new Set(
      [...classes.keys()]
        .filter((name) => descendsFromGemloopError(classes, name))
        .map((name) => codeOf(classes, name) ?? ''),
    );
    for (const code of codes) {
      const shown = toBrowserError(errorOfCode(code), undefined);
      expect(shown.code, code).toBe(code);
      expect(shown.message, code).toMatch(/^[A-Z][^\n]{10,99}\.$/);
      for (const part of SECRET.split(' ')) expect(JSON.stringify(shown), code).not.toContain(part);
      expect(shown.message, code).not.toMatch(/https?:|\/\/|[\w-]+\.(ts|js|md|json)\b/);
    }
  });
});
