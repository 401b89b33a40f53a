import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 53 item 6, "data through signatures": every module-level mutable container in
 * `packages/*\/src` (a `let` or `var`, a `WeakMap` / `WeakSet` / `WeakRef`, a `Map` or `Set` the
 * file fills, a symbol) says right above it, in a comment, which kind of state it is and why no
 * signature carries it: `why (KIND): reason`. A new registry that carries data between two
 * functions that could take it as a parameter then shows in review as a new `why`, or fails here.
 *
 * The kinds: `cache` (a pure function of its key, or memo of one), `lazy` (a module loaded or
 * made once, on first use), `probe` (a fact about the platform, learned once), `sentinel` (a
 * unique value compared by identity, no data), `brand` (a `Symbol.for` shared across copies of a
 * package: an `isInstance` marker or another library's global), `kept` (a registry keyed by an
 * object gemloop cannot extend, or a process-wide resource: the reason says which), `pool`
 * (process-wide reuse of a resource, no run data), `table` (a constant built once at load, then
 * only read).
 */
const KINDS = ['cache', 'lazy', 'probe', 'sentinel', 'brand', 'kept', 'pool', 'table'] as const;
const MARKER = new RegExp(`why \\((${KINDS.join('|')})\\):\\s*\\S`);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');

/** One module-level declaration that holds state, and the kind its comment names. */
export type ModuleState = {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly holds: 'let' | 'container' | 'symbol';
  readonly kind: (typeof KINDS)[number] | undefined;
};

function sourceFilesOf(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFilesOf(path);
    return entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.d.ts') &&
      !/\.test(-d)?\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

const DECLARATION = /^(?:export )?(const|let|var) ([A-Za-z_$][\w$]*)/;
const WEAK = /=\s*new (?:WeakMap|WeakSet|WeakRef|FinalizationRegistry)\b/;
const STRONG = /=\s*new (?:Map|Set)\b/;
const SYMBOL = /\bSymbol(?:\.for)?\(/;

/**
 * The module-level state of one file's text. Module-level statements start at column 0 (the
 * formatter's rule), so a line that starts with `const`, `let` or `var` is one. A `Map` or `Set`
 * counts when the file calls `set`, `add`, `delete` or `clear` on it (a table built once and only
 * read is a constant); weak collections and symbols always count.
 */
export function moduleStateIn(file: string, text: string): ModuleState[] {
  const lines = text.split('\n');
  const found: ModuleState[] = [];
  lines.forEach((line, index) => {
    const declared = DECLARATION.exec(line);
    if (declared === null) return;
    const [, keyword, name] = declared as unknown as [string, string, string];
    let holds: ModuleState['holds'] | undefined;
    if (keyword !== 'const') holds = 'let';
    else if (WEAK.test(line)) holds = 'container';
    else if (STRONG.test(line) && new RegExp(`\\b${name}\\.(set|add|delete|clear)\\(`).test(text))
      holds = 'container';
    else if (SYMBOL.test(line)) holds = 'symbol';
    if (holds === undefined) return;
    found.push({ file, line: index + 1, name, holds, kind: kindAbove(lines, index) });
  });
  return found;
}

/**
 * The kind named by the comment lines right above line `index` (none between). Declarations
 * written one after another, with no blank line, are one group under one comment (`let node`,
 * `let loading`, `let loadFailure` of one lazy load).
 */
function kindAbove(lines: readonly string[], index: number): ModuleState['kind'] {
  for (let at = index - 1; at >= 0; at--) {
    const line = (lines[at] as string).trim();
    if (DECLARATION.test(lines[at] as string)) continue;
    if (!(line.startsWith('//') || line.startsWith('/*') || line.startsWith('*'))) return undefined;
    const marked = MARKER.exec(line);
    if (marked !== null) return marked[1] as ModuleState['kind'];
  }
  return undefined;
}

function allModuleState(): ModuleState[] {
  return readdirSync(PACKAGES).flatMap((name) => {
    let files: string[];
    try {
      files = sourceFilesOf(join(PACKAGES, name, 'src'));
    } catch {
      return [];
    }
    return files.flatMap((path) => moduleStateIn(relative(ROOT, path), readFileSync(path, 'utf8')));
  });
}

describe('module-level state says why no signature carries it', () => {
  it('every module-level mutable container and symbol in packages/*/src has a `why (kind):` comment', () => {
    const state = allModuleState();
    // The scan finds what it is for (a guard that finds nothing proves nothing).
    expect(state.length).toBeGreaterThan(50);
    expect(state.filter(({ holds }) => holds === 'let').length).toBeGreaterThan(5);
    expect(
      state
        .filter(({ kind }) => kind === undefined)
        .map(({ file, line, name }) => `${file}:${line} ${name}: no "why (kind): reason" above`),
    ).toEqual([]);
  });

  it('finds a planted registry without a reason, and accepts one with it', () => {
    const planted = [
      "import type { RunLink } from './run-link.ts';",
      '',
      '// The link of each call.',
      'const links = new WeakMap<object, RunLink>();',
      '',
      '// why (kept): keyed by the public tool object, which gemloop cannot extend.',
      'export const tools = new WeakSet<object>();',
      '',
      'let loaded: Promise<unknown> | undefined;',
      'const TABLE = new Map([["a", 1]]);',
      'const seen = new Set<string>();',
      'export function see(name: string): void {',
      '  seen.add(name);',
      '  const local = new WeakMap();',
      '}',
      "const NONE = Symbol('none');",
    ].join('\n');
    expect(moduleStateIn('planted.ts', planted)).toEqual([
      { file: 'planted.ts', line: 4, name: 'links', holds: 'container', kind: undefined },
      { file: 'planted.ts', line: 7, name: 'tools', holds: 'container', kind: 'kept' },
      { file: 'planted.ts', line: 9, name: 'loaded', holds: 'let', kind: undefined },
      { file: 'planted.ts', line: 11, name: 'seen', holds: 'container', kind: undefined },
      { file: 'planted.ts', line: 16, name: 'NONE', holds: 'symbol', kind: undefined },
    ]);
  });
});
