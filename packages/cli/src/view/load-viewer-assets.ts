import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';

/** One answer of the page's files: its bytes, type and `Cache-Control`. */
export type ViewerAsset = { body: Buffer; type: string; cacheControl: string };

/** The page and its modules as the viewer serves them (see {@link loadViewerAssets}). */
export type ViewerAssets = {
  /** The path the modules are served under: `/v/<stamp>/`, the stamp a hash of all of them. */
  readonly prefix: string;
  /** The answer for a request path, `undefined` for a path that names none of the files. */
  get(path: string): ViewerAsset | undefined;
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const NAME = /^[a-z][a-z0-9-]*\.(?:js|css)$/;
const FOLDER = /^[a-z][a-z0-9-]*$/;
// RFC 9111 5.2.2.1 (max-age, a year as is customary) and RFC 8246 (immutable: no revalidation
// while fresh, a reload included). Safe because the URL names the content: any change of any
// file is a new stamp, so a cached module is never one the server would not serve now.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// RFC 9111 5.2.2.5: never stored. The page is what names the stamp, so it must be fresh each load.
const NO_STORE = 'no-store';

/**
 * Reads the page's files once: `index.html` and every `.js` and `.css` file of `dir` and of its
 * subfolders (readers/, entries/). The modules are served at `<prefix><path>`, `prefix` holding a
 * hash of all of them, with a year's `immutable` caching, so a second load of the page fetches
 * none of them again (speed-viewer47 measured a load at ~0.45 s of Chromium's CPU, all 55 modules
 * fetched and compiled again, bench/RESULTS.md). The page itself names that prefix and is never
 * stored, so a viewer started after an upgrade (or an edit) names a new prefix and the browser
 * fetches the new files: never a stale module. Files are held in memory as read (~120 KB) so what
 * a stamp names never changes while the server runs; a file edited after start shows after a
 * restart. The same modules stay at their plain paths (`/app.js`), never stored, for a script
 * or a bookmark that names one. Only these paths answer: a request never names a file of its own.
 */
export async function loadViewerAssets(dir: URL): Promise<ViewerAssets> {
  const files = new Map<string, { body: Buffer; type: string }>();
  const add = async (folder: string): Promise<void> => {
    for (const entry of await readdir(new URL(folder, dir), { withFileTypes: true })) {
      if (entry.isFile() && NAME.test(entry.name)) {
        const path = `${folder}${entry.name}`;
        const type = TYPES[extname(entry.name)] as string;
        files.set(path, { body: await readFile(new URL(path, dir)), type });
      } else if (folder === '' && entry.isDirectory() && FOLDER.test(entry.name)) {
        await add(`${entry.name}/`);
      }
    }
  };
  await add('');
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    const { body } = files.get(path) as { body: Buffer };
    hash.update(`${path}\0${body.length}\0`).update(body);
  }
  const prefix = `/v/${hash.digest('hex').slice(0, 16)}/`;
  // The page's own `src="/app.js"` and `href="/app.css"` point at the stamped copies; their
  // relative imports (`./dom.js`, `../format.js`) resolve under the same prefix.
  const html = (await readFile(new URL('index.html', dir), 'utf8')).replace(
    /\b(src|href)="\/([^"]+)"/g,
    (whole, attribute: string, path: string) =>
      files.has(path) ? `${attribute}="${prefix}${path}"` : whole,
  );
  const page: ViewerAsset = {
    body: Buffer.from(html),
    type: 'text/html; charset=utf-8',
    cacheControl: NO_STORE,
  };
  return {
    prefix,
    get(path) {
      if (path === '/') return page;
      const stamped = path.startsWith(prefix);
      const file = files.get(path.slice(stamped ? prefix.length : 1));
      if (file === undefined) return undefined;
      return { ...file, cacheControl: stamped ? IMMUTABLE : NO_STORE };
    },
  };
}
