import { BUNDLE_ENTRIES, measureBundleSize } from './measure-bundle-size.ts';
const r = await measureBundleSize(BUNDLE_ENTRIES[0]!);
console.log(r.name, r.minified, r.gzip, JSON.stringify(r.lazy));
