// `npm run bundle-size`: the browser bundle of @gemloop/core beside its peers', measured alike.
import { BUNDLE_ENTRIES, measureBundleSize } from './measure-bundle-size.ts';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const rows = [];
for (const entry of BUNDLE_ENTRIES) rows.push(await measureBundleSize(entry));
console.log('| bundle (browser, minified, zod excluded) | minified | gzip |');
console.log('| --- | ---: | ---: |');
for (const row of rows) console.log(`| ${row.name} | ${kb(row.minified)} | ${kb(row.gzip)} |`);
