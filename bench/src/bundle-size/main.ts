// `npm run bundle-size`: the browser bundle of @gemloop/core beside its peers', measured alike.
import { BUNDLE_ENTRIES, measureBundleSize } from './measure-bundle-size.ts';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const rows = [];
for (const entry of BUNDLE_ENTRIES) rows.push(await measureBundleSize(entry));
// What an app loads to run (the entry chunk and its static imports), and beside it what it loads
// only on first use through an `import()`: counted apart, never hidden.
console.log(
  '| bundle (browser, minified, zod excluded) | minified | gzip | loaded lazily (chunks, minified, gzip) |',
);
console.log('| --- | ---: | ---: | ---: |');
for (const { name, minified, gzip, lazy } of rows) {
  const later =
    lazy.chunks === 0 ? 'none' : `${lazy.chunks}, ${kb(lazy.minified)}, ${kb(lazy.gzip)}`;
  console.log(`| ${name} | ${kb(minified)} | ${kb(gzip)} | ${later} |`);
}
