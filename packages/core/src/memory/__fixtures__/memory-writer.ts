// One writer process of create-file-memory-store.processes.test.ts (bundled by esbuild: Node 20
// cannot run TypeScript): three stores on the shared path (so this process races itself too),
// `count` adds at once (ids `<name>-<n>`, spread over three users), then every odd one deleted,
// at once. It starts when every writer is ready (a file `ready-<name>` each, next to the memory
// file), so the writers overlap, and prints the ids it kept.
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createFileMemoryStore } from '../create-file-memory-store.ts';

const [path = '', name = '', countText = '', writersText = ''] = process.argv.slice(2);
const stores = [0, 1, 2].map(() => createFileMemoryStore({ path }));
const count = Number(countText);
const folder = dirname(path);
await writeFile(join(folder, `ready-${name}`), '');
const ready = async () =>
  (await readdir(folder)).filter((file) => file.startsWith('ready-')).length;
// The test's guard ends this process if a writer never comes.
while ((await ready()) < Number(writersText)) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const ids = Array.from({ length: count }, (_, n) => `${name}-${n}`);
const storeOf = (n: number) => stores[n % stores.length] as (typeof stores)[number];
await Promise.all(
  ids.map((id, n) =>
    storeOf(n).add(`u${n % 3}`, {
      kind: 'fact',
      text: `${name} fact ${n}`,
      embedding: [1, n],
      id,
    }),
  ),
);
const deleted = await Promise.all(
  ids.map((id, n) => (n % 2 === 1 ? storeOf(n + 1).delete(`u${n % 3}`, id) : true)),
);
if (deleted.includes(false)) throw new Error(`${name}: a delete found no memory it had added`);
process.stdout.write(`${JSON.stringify(ids.filter((_, n) => n % 2 === 0))}\n`);
