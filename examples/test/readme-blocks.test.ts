import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every ```ts (and ```tsx) block of the READMEs (the repository's and each package's) and of the guides in
// docs/ must be copied from one file in test/readme/ or test/docs/ (which the snippet tests
// typecheck and run; a .tsx one is typechecked): a run of consecutive lines, or several runs separated by a `// ...` line.
// So no page can show gemloop code that no longer compiles or runs. A run may be indented less
// than in its file (the formatter dedents a block taken from inside a function), by the same
// number of spaces on every line. Another library's code, shown beside gemloop's in the migration
// guides, is fenced ```typescript instead and must not import gemloop.

const root = new URL('../../', import.meta.url);
const markdownIn = (folder: string): string[] =>
  existsSync(new URL(folder, root))
    ? readdirSync(new URL(folder, root))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `${folder}${name}`)
    : [];
// The root README, every package's README (new packages are picked up on their own), the guides.
const readmePaths = [
  'README.md',
  ...readdirSync(new URL('packages/', root))
    .map((name) => `packages/${name}/README.md`)
    .filter((path) => existsSync(new URL(path, root))),
  ...markdownIn('docs/'),
];
const readmes = readmePaths.map((path) => ({
  path,
  text: readFileSync(new URL(path, root), 'utf8'),
}));
const snippets = ['examples/test/readme/', 'examples/test/docs/'].flatMap((folder) =>
  readdirSync(new URL(folder, root), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') || name.endsWith('.tsx'))
    .map((name) => ({
      name: `${folder.slice('examples/test/'.length)}${name}`,
      lines: readFileSync(new URL(name, new URL(folder, root)), 'utf8').split('\n'),
    })),
);

const blocks = readmes.flatMap(({ path, text }) =>
  // ```tsx too: a React component (@gemloop/react's README, the browser guide).
  [...text.matchAll(/```tsx?\n([\s\S]*?)```/g)].map((match) => ({
    path,
    block: match[1] as string,
  })),
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
    for (const path of [
      'README.md',
      'packages/core/README.md',
      'packages/testing/README.md',
      'packages/tools/README.md',
    ])
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
      expect(
        sources,
        `not found verbatim in examples/test/{readme,docs}/**/*.ts:\n${block}`,
      ).not.toEqual([]);
    },
  );

  it("in the guides, another library's code never stands in for gemloop's", () => {
    const foreign = readmes.flatMap(({ path, text }) =>
      [...text.matchAll(/```typescript\n([\s\S]*?)```/g)].map((match) => ({
        path,
        block: match[1] as string,
      })),
    );
    for (const { path, block } of foreign)
      expect(block, path).not.toMatch(/from '(@gemloop|gemloop)/);
  });

  it('cover every guide', () => {
    for (const path of markdownIn('docs/')) {
      if (path === 'docs/README.md' || path === 'docs/troubleshooting.md') continue;
      expect(
        blocks.some((block) => block.path === path),
        path,
      ).toBe(true);
    }
  });

  it('link the guides only to files that exist', () => {
    for (const path of markdownIn('docs/')) {
      const text = readFileSync(new URL(path, root), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue;
        expect(
          existsSync(new URL(target as string, new URL(path, root))),
          `${path} → ${target}`,
        ).toBe(true);
      }
    }
  });
});
