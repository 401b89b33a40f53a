import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startViewServer } from './start-view-server.ts';

// The page's modules as files: what the browser tests cannot see at a glance. Each is small,
// none writes markup from strings, and every import names a file the server serves.

const assets = new URL('../../assets/viewer/', import.meta.url);

async function modules(): Promise<{ path: string; text: string }[]> {
  const found: { path: string; text: string }[] = [];
  for (const entry of await readdir(assets, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const folder = entry.parentPath.slice(new URL(assets).pathname.length);
    const path = `${folder === '' ? '' : `${folder}/`}${entry.name}`.replace(/^\/+/, '');
    found.push({ path, text: await readFile(new URL(path, assets), 'utf8') });
  }
  return found;
}

describe('the viewer page modules', () => {
  it('never put text on the page as markup', async () => {
    const list = await modules();
    expect(list.length).toBeGreaterThan(10);
    for (const { path, text } of list) {
      const code = text.replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '');
      expect([path, code]).not.toEqual([
        path,
        expect.stringMatching(
          /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/,
        ),
      ]);
    }
  });

  it('are small, one concept each', async () => {
    for (const { path, text } of await modules())
      expect([path, text.split('\n').length <= 200]).toEqual([path, true]);
  });

  it('import only files the server serves', async () => {
    const server = await startViewServer({ dir: '/nonexistent-gemloop-runs' });
    try {
      let imports = 0;
      for (const { path, text } of await modules()) {
        for (const [, specifier] of text.matchAll(/(?:^import |\bfrom )'([^']+)';$/gm)) {
          const url = new URL(specifier as string, new URL(path, server.url));
          const reply = await fetch(url);
          expect([path, specifier, reply.status]).toEqual([path, specifier, 200]);
          expect(reply.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
          imports++;
        }
      }
      expect(imports).toBeGreaterThan(30);
    } finally {
      await server.close();
    }
  });
});
