import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keptBuild, sourcesKey } from './kept-build.ts';

// Builds for child processes are kept between runs under this key (speed-units51): a key that
// missed an edit would hand a test's child processes old code.

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function sourceTree(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'gemloop-store-key-'));
  roots.push(root);
  await mkdir(join(root, 'chat'));
  await writeFile(join(root, 'chat', 'store.ts'), "export { read } from '../shared/read.ts';\n");
  await mkdir(join(root, 'shared'));
  await writeFile(join(root, 'shared', 'read.ts'), 'export const read = () => 1;\n');
  await writeFile(join(root, 'shared', 'read.test.ts'), "it('reads', () => {});\n");
  return root;
}

describe("a kept build's key", () => {
  it('changes with any source: an edit of the same length, a new file, a renamed one, the compiler', async () => {
    const root = await sourceTree();
    const key = await sourcesKey([root], ['7.0.2']);
    expect(await sourcesKey([root], ['7.0.2'])).toBe(key);
    expect(await sourcesKey([root], ['7.0.3'])).not.toBe(key);

    await writeFile(join(root, 'shared', 'read.ts'), 'export const read = () => 2;\n');
    const edited = await sourcesKey([root], ['7.0.2']);
    expect(edited).not.toBe(key);

    await writeFile(join(root, 'shared', 'more.ts'), 'export const more = 1;\n');
    const added = await sourcesKey([root], ['7.0.2']);
    expect(added).not.toBe(edited);

    await rename(join(root, 'shared', 'more.ts'), join(root, 'shared', 'most.ts'));
    expect(await sourcesKey([root], ['7.0.2'])).not.toBe(added);
  });

  it('keeps its value when only a test changes', async () => {
    const root = await sourceTree();
    const key = await sourcesKey([root], []);
    await writeFile(join(root, 'shared', 'read.test.ts'), "it('reads twice', () => {});\n");
    await writeFile(join(root, 'shared', 'types.test-d.ts'), 'export {};\n');
    expect(await sourcesKey([root], [])).toBe(key);
  });
});

describe('keptBuild', () => {
  it('builds once for a key, again for a new one (the old folder removed), nothing kept of a failed build', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'gemloop-kept-'));
    roots.push(cache);
    let builds = 0;
    const build = (text: string) => async (folder: string) => {
      builds++;
      await writeFile(join(folder, 'out.js'), text);
    };
    const first = await keptBuild('x', 'key1', build('one'), cache);
    expect(await keptBuild('x', 'key1', build('other'), cache)).toBe(first);
    expect(builds).toBe(1);
    expect(await readFile(join(first, 'out.js'), 'utf8')).toBe('one');

    const second = await keptBuild('x', 'key2', build('two'), cache);
    expect(builds).toBe(2);
    expect(await readFile(join(second, 'out.js'), 'utf8')).toBe('two');
    expect(await readdir(cache)).toEqual(['key2']);

    const failing = keptBuild('x', 'key3', () => Promise.reject(new Error('compile failed')), cache);
    await expect(failing).rejects.toThrow('compile failed');
    expect(await readdir(cache)).toEqual(['key2']);
  });
});
