import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A gemloop error's `name` is its class's, but made from its `code` (`agent-aborted` →
 * `AgentAbortedError`, `GemloopError.name`) where a minifier renamed the class: with
 * `new.target.name` alone an app's browser bundle read `err.name === 'e'`. So every error class of every package must have a code
 * that spells its class name, or a `get name()` of its own returning it.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');

function sourceFilesOf(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', '__fixtures__'].includes(entry.name)
        ? []
        : sourceFilesOf(path);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

type ErrorClass = { file: string; base: string; code?: string; ownName?: string };

function errorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  const files = readdirSync(PACKAGES).flatMap((name) => {
    try {
      return sourceFilesOf(join(PACKAGES, name, 'src'));
    } catch {
      return [];
    }
  });
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    // A class's body: from its heading to the first line that is a closing brace alone.
    for (const match of source.matchAll(/class (\w+) extends (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
      const [, name, base, body] = match as unknown as [string, string, string, string];
      const code = /readonly code(?:: [^=]+)? = '([^']+)'/.exec(body)?.[1];
      const ownName = /get name\(\): string \{\s*return '([^']+)';/.exec(body)?.[1];
      classes.set(name, {
        file: relative(ROOT, file),
        base,
        ...(code === undefined ? {} : { code }),
        ...(ownName === undefined ? {} : { ownName }),
      });
    }
  }
  return classes;
}

const nameOfCode = (code: string) =>
  `${code.replace(/(?:^|-)(.)/g, (_, letter: string) => letter.toUpperCase())}Error`;

describe('error names', () => {
  it("every gemloop error's name is its class name, made from its code or its own", () => {
    const classes = errorClasses();
    const descends = (name: string): boolean => {
      const found = classes.get(name);
      return found !== undefined && (found.base === 'GemloopError' || descends(found.base));
    };
    const codeOf = (name: string): string | undefined => {
      const found = classes.get(name);
      return found === undefined ? undefined : (found.code ?? codeOf(found.base));
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const [name, found] of classes) {
      if (!descends(name)) continue;
      checked += 1;
      const code = codeOf(name);
      const made = found.ownName ?? (code === undefined ? undefined : nameOfCode(code));
      if (made !== name) wrong.push(`${found.file}: ${name} reads as ${made} (code ${code})`);
    }
    // The scan finds the classes (core alone has dozens), so an empty pass cannot hide a miss.
    expect(checked).toBeGreaterThan(60);
    expect(wrong).toEqual([]);
  });
});
