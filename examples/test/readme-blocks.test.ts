import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every ```ts block of the READMEs (the repository's and each package's) must be copied from one file in test/readme/ (which the snippet
// tests typecheck and run): a run of consecutive lines, or several runs separated by a `// ...`
// line. So the README can never show code that no longer compiles or runs. A run may be indented
// less than in its file (the formatter dedents a README block taken from inside a function), by the
// same number of spaces on every line.

const root = new URL('../../', import.meta.url);
// The root README and every package's README (new packages are picked up on their own).
const readmePaths = [
  'README.md',
  ...readdirSync(new URL('packages/', root))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(new URL(path, root))),
];
const readmes = readmePaths.map((path) => ({
  path,
  text: readFileSync(new URL(path, root), 'utf8'),
}));
const snippetDirectory = new URL('examples/test/readme/', root);
const snippets = readdirSync(snippetDirectory)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({
    name,
    lines: readFileSync(new URL(name, snippetDirectory), 'utf8').split('\n'),
  }));

const blocks = readmes.flatMap(({ path, text }) =>
  [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => ({ path, block: match[1] as string })),
);

function isExcerptOf(fileLines: string[], block: string): boolean {
  const runs = block
    .trimEnd()
    .split('\n// ...\n')
    .map((run) => run.split('\n'));
  let from = 0;
  for (const run of runs) {
    const start = findRun(fileLines, run, from);
    if (start === -1) return false;
    from = start + run.length;
  }
  return true;
}

function findRun(fileLines: string[], run: string[], from: number): number {
  for (let start = from; start + run.length <= fileLines.length; start++) {
    const first = fileLines[start] as string;
    const indent = first.length - (run[0] as string).length;
    if (indent < 0 || first.slice(indent) !== run[0] || first.slice(0, indent).trim() !== '') {
      continue;
    }
    const matches = run.every((line, offset) => {
      const fileLine = fileLines[start + offset] as string;
      return line === '' ? fileLine.trim() === '' : fileLine === ' '.repeat(indent) + line;
    });
    if (matches) return start;
  }
  return -1;
}

describe('the README code blocks', () => {
  it('exist', () => {
    // The READMEs that show library code (the CLI's shows shell commands only).
    for (const path of ['README.md', 'packages/core/README.md', 'packages/tools/README.md'])
      expect(
        blocks.some((block) => block.path === path),
        path,
      ).toBe(true);
  });

  it.each(blocks.map(({ path, block }) => [`${path}: ${block.split('\n')[0]}`, block]))(
    '%s ... is copied from a tested snippet',
    (_first, block) => {
      const sources = snippets
        .filter(({ lines }) => isExcerptOf(lines, block))
        .map(({ name }) => name);
      expect(sources, `not found verbatim in examples/test/readme/*.ts:\n${block}`).not.toEqual([]);
    },
  );
});
