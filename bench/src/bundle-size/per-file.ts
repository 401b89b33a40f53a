// `npx tsx src/bundle-size/per-file.ts [rows]` (in bench/): the agent app's browser bundle per source file
// (esbuild metafile bytesInOutput, minified, before gzip), largest first, with the totals. A file
// in a chunk an agent's run does not load (reached only through an `import()` of a feature) is
// marked "lazy" and counted apart.
import { gzipSync } from 'node:zlib';
import { BUNDLE_ENTRIES, buildBundle, bytesOf } from './measure-bundle-size.ts';

const chunks = await buildBundle(BUNDLE_ENTRIES[0] as (typeof BUNDLE_ENTRIES)[number]);
const rows = chunks
  .flatMap(({ inputs, loadedToRun }) =>
    Object.entries(inputs).map(
      ([file, { bytesInOutput }]) =>
        [file.replace(/.*packages\/core\/src\//, ''), bytesInOutput, loadedToRun] as const,
    ),
  )
  .sort((a, b) => b[1] - a[1]);
const limit = Number(process.argv[2] ?? 60);
for (const [file, size, loaded] of rows.slice(0, limit))
  console.log(String(size).padStart(7), loaded ? '    ' : 'lazy', file);
for (const loaded of [true, false]) {
  const part = chunks.filter((chunk) => chunk.loadedToRun === loaded);
  const { minified, gzip } = bytesOf(part);
  const apart = part.reduce((sum, { bytes }) => sum + gzipSync(bytes, { level: 9 }).byteLength, 0);
  console.log(
    `${loaded ? 'loaded to run' : 'lazy'}: ${part.length} chunks, minified ${minified}, ` +
      `gzip ${gzip} (as one text; ${apart} gzipped chunk by chunk)`,
  );
}
