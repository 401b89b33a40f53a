import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, SourceFile } from 'typescript/unstable/ast';
import {
  isArrowFunction,
  isConstructorDeclaration,
  isFunctionDeclaration,
  isFunctionExpression,
  isGetAccessorDeclaration,
  isMethodDeclaration,
  isSetAccessorDeclaration,
} from 'typescript/unstable/ast/is';
import { API } from 'typescript/unstable/sync';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Issue 53 item 8, "the request path reads on a screen": no function in the loop's rooms is
 * longer than a screen. Lines count from a function's first token (its TSDoc left out) to its
 * closing brace, nested functions included in the function around them.
 */
const MAX_FUNCTION_LINES = 80;
const ROOMS = ['loop', 'run-state', 'tool-calls', 'config'];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENT = join(ROOT, 'packages', 'core', 'src', 'agent');

type LongFunction = { file: string; line: number; name: string; lines: number };

function sourceFilesOf(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFilesOf(path);
    return entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

function isFunction(node: Node): boolean {
  return (
    isFunctionDeclaration(node) ||
    isFunctionExpression(node) ||
    isArrowFunction(node) ||
    isMethodDeclaration(node) ||
    isConstructorDeclaration(node) ||
    isGetAccessorDeclaration(node) ||
    isSetAccessorDeclaration(node)
  );
}

/** What a function is called where it is written: its name, or the variable or property it is. */
function nameOf(node: Node, source: SourceFile): string {
  const named =
    (node as { name?: Node }).name ?? (node.parent as { name?: Node } | undefined)?.name;
  return named === undefined ? '(anonymous)' : source.text.slice(named.getStart(source), named.end);
}

/** The functions over the limit in one file, with where each starts. */
function longFunctionsIn(source: SourceFile, limit: number): LongFunction[] {
  const found: LongFunction[] = [];
  const visit = (node: Node): void => {
    if (isFunction(node) && (node as { body?: Node }).body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      if (lines > limit) {
        const file = relative(ROOT, source.fileName);
        found.push({ file, line: first + 1, name: nameOf(node, source), lines });
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

describe('the loop reads on a screen', () => {
  // The TypeScript 7 API runs the compiler in a child process; closed after the suite.
  const api = new API({ cwd: ROOT });
  afterAll(() => api.close());
  const program = () => {
    const snapshot = api.updateSnapshot({ openProject: join(ROOT, 'packages/core/tsconfig.json') });
    const project = snapshot.getProjects()[0];
    if (project === undefined) throw new Error('packages/core/tsconfig.json opened no project');
    return project.program;
  };

  it(`has no function over ${MAX_FUNCTION_LINES} lines in agent/${ROOMS.join(', agent/')}`, () => {
    const loaded = program();
    const files = ROOMS.flatMap((room) => sourceFilesOf(join(AGENT, room)));
    expect(files.length).toBeGreaterThan(40);
    const long = files.flatMap((file) => {
      const source = loaded.getSourceFile(file);
      if (source === undefined) throw new Error(`${file} is not in packages/core's program`);
      return longFunctionsIn(source, MAX_FUNCTION_LINES);
    });
    expect(
      long.map(({ file, line, name, lines }) => `${file}:${line} ${name}: ${lines} lines`),
    ).toEqual([]);
  });

  it('finds a function over the limit, with its file, line and name', () => {
    const loaded = program();
    const source = loaded.getSourceFile(join(AGENT, 'loop', 'run-loop.ts'));
    if (source === undefined) throw new Error('run-loop.ts is not in the program');
    // At a limit of 3 lines every function of the loop's main file is over it, each named.
    const long = longFunctionsIn(source, 3);
    expect(long.length).toBeGreaterThan(3);
    expect(long).toContainEqual(
      expect.objectContaining({
        file: 'packages/core/src/agent/loop/run-loop.ts',
        name: 'runLoop',
      }),
    );
    for (const { line, lines } of long) {
      expect(line).toBeGreaterThan(0);
      expect(lines).toBeGreaterThan(3);
    }
  });
});
