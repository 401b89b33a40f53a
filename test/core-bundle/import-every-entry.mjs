// Imports every file that @gemloop/core's package.json names (each `exports` condition's target and
// each `#platform/*` file) from the built `dist`, in this one process, and prints what
// core-bundle.test.ts checks: the names exported by two entries that are not the same value (two
// copies of a module), and the exported classes whose `name` is not their export's (a class that
// the bundler renamed: GemloopError's `name` reads the constructor's).
// Plain JavaScript, run by plain node: no source condition, so the built files are what loads.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [coreDirectory, ...entries] = process.argv.slice(2);
const byName = new Map();
const copies = [];
const renamed = [];
for (const entry of entries) {
  const module = await import(pathToFileURL(`${coreDirectory}/dist/${entry}`).href);
  for (const [name, value] of Object.entries(module)) {
    // `#platform/*`'s node and web files are two implementations of one name, on purpose.
    const key = entry.startsWith('platform/') ? `${entry.split('/')[1]} ${name}` : name;
    const seen = byName.get(key);
    if (seen === undefined) byName.set(key, { entry, value });
    else if (seen.value !== value && (typeof value === 'function' || typeof value === 'object')) {
      copies.push(`${name}: ${seen.entry} and ${entry}`);
    }
    if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))) {
      if (value.name !== name) renamed.push(`${entry} ${name} is named ${value.name}`);
    }
  }
}
const errors = await import(pathToFileURL(`${coreDirectory}/dist/errors/index.js`).href);
const root = await import(pathToFileURL(`${coreDirectory}/dist/index.js`).href);
const { name } = JSON.parse(readFileSync(`${coreDirectory}/package.json`, 'utf8'));
const self = await import(`${name}/errors`);
console.log(
  JSON.stringify({
    copies,
    renamed,
    exports: byName.size,
    sameGemloopError:
      errors.GemloopError === root.GemloopError && self.GemloopError === root.GemloopError,
    instanceAcross: new errors.InvalidArgumentError({ message: 'x' }) instanceof root.GemloopError,
  }),
);
