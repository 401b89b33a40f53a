// `npx tsx src/bundle-size/per-file.ts [rows]` (in bench/): the agent app's browser bundle per source file
// (esbuild metafile bytesInOutput, minified, before gzip), largest first, with the total gzip.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE_ENTRIES } from './measure-bundle-size.ts';

const benchDir = fileURLToPath(new URL('../../', import.meta.url));
const entry = BUNDLE_ENTRIES[0] as { name: string; source: string };
const result = await build({
  stdin: { contents: entry.source, resolveDir: benchDir, loader: 'ts', sourcefile: 'entry.ts' },
  bundle: true,
  platform: 'browser',
  format: 'esm',
  minify: true,
  target: 'es2022',
  conditions: ['@gemloop/source'],
  define: { 'process.env.NODE_ENV': '"production"' },
  external: ['zod', 'zod/*'],
  write: false,
  metafile: true,
  logLevel: 'silent',
});
const bytes = (result.outputFiles[0] as { contents: Uint8Array }).contents;
const output = Object.values(result.metafile.outputs)[0];
const rows = Object.entries(output?.inputs ?? {})
  .map(
    ([file, { bytesInOutput }]) =>
      [file.replace(/.*packages\/core\/src\//, ''), bytesInOutput] as const,
  )
  .sort((a, b) => b[1] - a[1]);
const limit = Number(process.argv[2] ?? 60);
for (const [file, size] of rows.slice(0, limit)) console.log(String(size).padStart(7), file);
console.log(`minified ${bytes.byteLength}, gzip ${gzipSync(bytes, { level: 9 }).byteLength}`);
