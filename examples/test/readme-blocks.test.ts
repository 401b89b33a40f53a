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

const IMPORT = /^import\s+(?:type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm;

/** Each local name a piece of code imports, with the module it comes from. */
function importedNames(code: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const [, clause = '', from = ''] of code.matchAll(IMPORT)) {
    const defaultName = /^([\w$]+)\s*(?:,|$)/.exec(clause)?.[1];
    if (defaultName !== undefined) names.set(defaultName, from);
    const namespace = /\*\s+as\s+([\w$]+)/.exec(clause)?.[1];
    if (namespace !== undefined) names.set(namespace, from);
    for (const part of /\{([\s\S]*)\}/.exec(clause)?.[1]?.split(',') ?? []) {
      const local = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (local) names.set(local, from);
    }
  }
  return names;
}

/** The code a name can be used in: imports, comments and string contents dropped. */
function withoutImportsCommentsAndStrings(code: string): string {
  return code
    .replace(IMPORT, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'[^'\n]*'|"[^"\n]*"|`[^`]*`/g, "''");
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading = ''] of withoutCode.matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const seen = counts.get(slug) ?? 0;
    counts.set(slug, seen + 1);
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
  }
  return anchors;
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

  // A block that uses a name its file imports shows that import, or an earlier block of the same
  // page does (the quick start's `createAgent`): the tracing and chat snippets once left out
  // `@opentelemetry/sdk-trace-base` and `@gemloop/core/chat`, and a reader could not tell where
  // `createFileHistoryStore` came from (issue 28).
  it('show the imports of every name they use, in the block or earlier on the page', () => {
    const missing: string[] = [];
    for (const { path, text } of readmes) {
      const shown = new Map<string, string>();
      for (const [, block = ''] of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
        const source = snippets.find(({ lines }) => isExcerptOf(lines, block));
        const own = importedNames(block);
        for (const [name, from] of own) shown.set(name, from);
        if (source === undefined) continue; // reported by the test above
        const code = withoutImportsCommentsAndStrings(block);
        for (const [name, from] of importedNames(source.lines.join('\n'))) {
          if (shown.get(name) === from) continue;
          if (new RegExp(`(?<![\\w$.])${name.replaceAll('$', '\\$')}(?![\\w$])`).test(code)) {
            missing.push(`${path}, the block "${block.split('\n')[0]}": ${name} from '${from}'`);
          }
        }
      }
    }
    expect(missing, `import these in the block (from its file in examples/test/):`).toEqual([]);
  });

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

  // Every relative link of the READMEs and guides resolves to a file of the repository, and a
  // link to a heading finds it (GitHub's anchors); no page names a `../` path that leaves the
  // repository (the README once pointed at a reference kept beside the checkout; issue 28).
  it('link only to files that exist, inside the repository, and to headings that exist', () => {
    const broken: string[] = [];
    const inside = (url: URL) => url.href.startsWith(root.href);
    for (const { path, text } of readmes) {
      const page = new URL(path, root);
      for (const [, target = '', anchor] of text.matchAll(/\]\(([^)\s#]*)(?:#([^)\s]*))?\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const url = target === '' ? page : new URL(target, page);
        if (!inside(url) || !existsSync(url)) {
          broken.push(`${path} → ${target} (no such file in the repository)`);
          continue;
        }
        if (anchor !== undefined && url.pathname.endsWith('.md')) {
          if (!headingAnchors(readFileSync(url, 'utf8')).has(anchor))
            broken.push(`${path} → ${target}#${anchor} (no such heading)`);
        }
      }
      for (const [, named = ''] of text.matchAll(/`(\.\.?\/[^`\s]+)`/g)) {
        if (!inside(new URL(named, page)))
          broken.push(`${path} names ${named}, outside the repository`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('say, on every page that installs a gemloop package from the registry, that it is not there yet', () => {
    // While the root README says the packages are not on the registry, a reader who lands on a
    // package's README or a guide and types its `npm install @gemloop/...` gets a 404: five READMEs
    // and six guides showed the line without a word (readme47). The note goes beside it.
    const unpublished = readmes
      .find(({ path }) => path === 'README.md')
      ?.text.includes('The packages are not on the npm registry yet');
    if (unpublished !== true) return;
    const silent = readmes
      .filter(({ text }) =>
        [...text.matchAll(/```sh\n([\s\S]*?)```/g)].some((block) =>
          // A registry name (`@gemloop/core`, `gemloop`), not a tarball path (`../gemloop/.packs/...`).
          /^npm install [^\n#]*(?<=\s)(@gemloop\/[a-z-]+|gemloop)(?=\s|$)/m.test(
            block[1] as string,
          ),
        ),
      )
      .filter(({ text }) => !text.includes('not on the npm registry'))
      .map(({ path }) => path);
    expect(silent).toEqual([]);
  });
});
