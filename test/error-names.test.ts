import { describe, expect, it } from 'vitest';
import { codeOf, descendsFromGemloopError, errorClasses } from './error-classes.ts';

/**
 * A gemloop error's `name` is its class's, but made from its `code` (`agent-aborted` →
 * `AgentAbortedError`, `GemloopError.name`) where a minifier renamed the class: with
 * `new.target.name` alone an app's browser bundle read `err.name === 'e'`. So every error class of every package must have a code
 * that spells its class name, or a `get name()` of its own returning it.
 */
const nameOfCode = (code: string) =>
  `${code.replace(/(?:^|-)(.)/g, (_, letter: string) => letter.toUpperCase())}Error`;

describe('error names', () => {
  it("every gemloop error's name is its class name, made from its code or its own", () => {
    const classes = errorClasses();
    const wrong: string[] = [];
    let checked = 0;
    for (const [name, found] of classes) {
      if (!descendsFromGemloopError(classes, name)) continue;
      checked += 1;
      const code = codeOf(classes, name);
      const made = found.ownName ?? (code === undefined ? undefined : nameOfCode(code));
      if (made !== name) wrong.push(`${found.file}: ${name} reads as ${made} (code ${code})`);
    }
    // The scan finds the classes (core alone has dozens), so an empty pass cannot hide a miss.
    expect(checked).toBeGreaterThan(60);
    expect(wrong).toEqual([]);
  });
});
