import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sourcesKey } from './compile-file-store.ts';

// The compiled file store is kept between runs under this key (speed-units51): a key that missed
// an edit would hand the child processes of the file-store tests an old store.

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

describe("the compiled file store's key", () => {
  it('changes with any source: an edit of the same length, a new file, a renamed one, the compiler', async () => {
    const root = await sourceTree();
    const key = await sourcesKey(root, ['7.0.2']);
    expect(await sourcesKey(root, ['7.0.2'])).toBe(key);
    expect(await sourcesKey(root, ['7.0.3'])).not.toBe(key);

    await writeFile(join(root, 'shared', 'read.ts'), 'export const read = () => 2;\n');
    const edited = await sourcesKey(root, ['7.0.2']);
    expect(edited).not.toBe(key);

    await writeFile(join(root, 'shared', 'more.ts'), 'export const more = 1;\n');
    const added = await sourcesKey(root, ['7.0.2']);
    expect(added).not.toBe(edited);

    await rename(join(root, 'shared', 'more.ts'), join(root, 'shared', 'most.ts'));
    expect(await sourcesKey(root, ['7.0.2'])).not.toBe(added);
  });

  it('keeps its value when only a test changes', async () => {
    const root = await sourceTree();
    const key = await sourcesKey(root, []);
    await writeFile(join(root, 'shared', 'read.test.ts'), "it('reads twice', () => {});\n");
    await writeFile(join(root, 'shared', 'types.test-d.ts'), 'export {};\n');
    expect(await sourcesKey(root, [])).toBe(key);
  });
});
