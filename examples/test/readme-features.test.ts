import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's feature table is what people read to choose gemloop, and every feature issue adds to
// it, so it must not drift from the repository: gemloop's cells say where each feature is (a link
// that resolves) or which issue plans it, and every peer cell is a mark with the version it was read
// in, or an honest "?". And every in-page link of the README resolves, the table's included.

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

/**
 * The anchor GitHub gives a heading (github-slugger: lower case, punctuation and symbols removed,
 * each space a hyphen; a repeated heading gets `-1`, `-2`, ...).
 */
function slugsOf(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const text = (match[1] as string).trim().replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** The targets of the Markdown links in `text` (images included). */
const linkTargets = (text: string): string[] =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);

/** The rows of the first table after `heading`, each as its trimmed cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, `${heading} is missing from README.md`).toBeGreaterThan(-1);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    // Split on the pipes that separate cells, not on `\|` inside one.
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const peers = [
  'AI SDK 7 + @ai-sdk/google 4',
  '@google/genai',
  'OpenAI Agents JS',
  'ADK TS',
  'Genkit',
  'Mastra',
  'LangChain / LangGraph',
];
const [header, separator, ...rows] = tableAfter(readme, '## Features');

describe('the README feature table', () => {
  it('has gemloop beside each peer, and rows', () => {
    expect(header).toEqual(['feature', 'gemloop', ...peers]);
    expect(separator?.every((cell) => /^-+$/.test(cell))).toBe(true);
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) expect(row, row[0]).toHaveLength(header?.length ?? 0);
  });

  it.each(rows.map((row) => [row[0], row[1] as string]))(
    'says where gemloop has "%s", or which issue plans it',
    (_feature, cell) => {
      expect(cell).toMatch(/^(✅|◐|❌) /);
      // What gemloop has, even partly, links to where it is documented.
      if (!cell.startsWith('❌')) expect(linkTargets(cell).length).toBeGreaterThan(0);
      // What it lacks names the issue that plans it, or says that none does.
      if (!cell.startsWith('✅')) expect(cell).toMatch(/\(issue \d+\b|not planned/);
      // The surfaces a feature is documented on: S(tream), C(hat), D(urable), T(races: spans),
      // R(ecorder), V(iew), each once, in that order.
      for (const match of cell.matchAll(/\[([A-Z](?: [A-Z])*)\]/g)) {
        const letters = (match[1] as string).split(' ');
        const order = 'SCDTRV';
        expect(letters.every((letter) => order.includes(letter))).toBe(true);
        const positions = letters.map((letter) => order.indexOf(letter));
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
      }
    },
  );

  it.each(rows.map((row) => [row[0], row.slice(2)]))(
    'gives a version for each peer mark of "%s"',
    (_feature, cells) => {
      for (const cell of cells) {
        // A mark read from a peer's source carries the release it was read in; "?" was not checked.
        expect(cell).toMatch(/^(?:[✅◐❌] \d+\.\d+(?:\.\d+(?:-[\w.]+)?)?|—|\?)$/);
      }
    },
  );
});

describe('the README links', () => {
  const slugs = slugsOf(readme);

  it('to a place in the page all lead to a heading', () => {
    const anchors = linkTargets(readme).filter((target) => target.startsWith('#'));
    expect(anchors.length).toBeGreaterThan(0);
    expect(anchors.filter((anchor) => !slugs.has(anchor.slice(1)))).toEqual([]);
  });

  it('to a file or folder of the repository all lead to one that exists', () => {
    const paths = linkTargets(readme)
      .filter((target) => !/^(https?:|mailto:|#)/.test(target))
      .map((target) => target.split('#')[0] as string);
    expect(paths.filter((path) => !existsSync(new URL(path, root)))).toEqual([]);
  });

  it('name only subpaths that the packages export', () => {
    const exportsOf = (folder: string): string[] =>
      Object.keys(
        JSON.parse(readFileSync(new URL(`packages/${folder}/package.json`, root), 'utf8')).exports,
      );
    const subpaths = new Map([
      ['core', exportsOf('core')],
      ['tools', exportsOf('tools')],
      ['dbos', exportsOf('dbos')],
    ]);
    const named = [...readme.matchAll(/@gemloop\/(core|tools|dbos)(\/[a-z-]+)?/g)];
    expect(named.length).toBeGreaterThan(0);
    const missing = named
      .filter(([, name, subpath]) => !subpaths.get(name as string)?.includes(`.${subpath ?? ''}`))
      .map(([whole]) => whole);
    expect(missing).toEqual([]);
  });
});

describe('CONTRIBUTING, "Adding a feature"', () => {
  const contributing = readFileSync(new URL('CONTRIBUTING.md', root), 'utf8');
  const start = contributing.indexOf('\n### Adding a feature\n');
  const section = contributing.slice(start, contributing.indexOf('\n## ', start + 1));
  // The repository's files (tracked, and new ones not ignored), as paths from its root.
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  }).split('\n');

  it('names only files and folders that exist', () => {
    expect(start, 'the section is missing').toBeGreaterThan(-1);
    // Backquoted paths: a file with its extension, or a folder with its trailing slash. Templates
    // (`<folder>/index.ts`) are not paths.
    const named = [...section.matchAll(/`([\w@.-]+(?:\/[\w@.-]+)*\/?)`/g)]
      .map((match) => match[1] as string)
      .filter(
        (token) => /\.(?:ts|mjs|json)$/.test(token) || (token.endsWith('/') && token.length > 1),
      );
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((token) =>
      token.endsWith('/')
        ? !files.some((file) => file.startsWith(token) || file.includes(`/${token}`))
        : !files.some((file) => file === token || file.endsWith(`/${token}`)),
    );
    expect(missing).toEqual([]);
  });
});
