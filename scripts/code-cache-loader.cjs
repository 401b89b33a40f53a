// Copied beside a fixture bundle's body by scripts/bundle-fixture.ts as `<name>.cjs`, the file a
// worker process runs: it runs the body (`<name>.body.js`, one CommonJS script) through V8's code
// cache, which Node 20 keeps only for a script compiled with `vm.Script` (`module.enableCompileCache`
// is Node 22.1+; an ES module has none). Without it, each of the suite's ~90 worker starts parses
// and compiles the 5 MB body and every function its start runs, again.
//
// The cache (`<body>.<hash of the body>.<node version>-<arch>.code-cache`) is keyed by the body's
// content: V8 checks only its version, its flags and the source's length, and runs the code it
// cached for a source of the same length (a body edited in place would run as it was). Hashing the
// 5 MB body costs ~6 ms of a ~0.5 s start. V8 sets `cachedDataRejected` when the data does not fit
// (another V8 or other flags); the data is then not used, and this says so on stderr and makes it
// again. The cache is made by the first start that
// finds none, after the fixture has started (its `ready` line, the fixtures' start contract that
// fleet.ts waits on), so it holds the functions the start compiled lazily too
// (`script.createCachedData()` after running: https://nodejs.org/api/vm.html#scriptcreatecacheddata).
// It is written to a name of its own and renamed into place: starts at once each write a whole
// file, and a start reads a whole cache or none. A cache that cannot be read or written is said on
// stderr, never skipped silently; the start then compiles as without one.
// CommonJS and plain JavaScript: it runs on plain node before anything else of the fixture.
'use strict';

const { createHash } = require('node:crypto');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

const body = __filename.replace(/\.cjs$/, '.body.js');
const source = readFileSync(body);
const key = createHash('sha1').update(source).digest('hex').slice(0, 20);
const cacheFile = `${body}.${key}.${process.version}-${process.arch}.code-cache`;

/** Says on stderr what went wrong with the cache (the start goes on without it). */
function warn(what) {
  process.stderr.write(`fixture bundle: ${what} (${cacheFile}); this start compiles without it\n`);
}

/** The cache's bytes, or `undefined` when there is none yet (or it cannot be read: said). */
function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch (error) {
    if (error.code !== 'ENOENT') warn(`the code cache could not be read: ${error.message}`);
    return undefined;
  }
}

/** Writes the script's cache under a name of its own, then renames it into place. */
function writeCache(script) {
  const scratch = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(scratch, script.createCachedData());
    renameSync(scratch, cacheFile);
  } catch (error) {
    rmSync(scratch, { force: true });
    process.stderr.write(
      `fixture bundle: the code cache could not be written (${cacheFile}): ${error.message}\n`,
    );
  }
}

/**
 * Makes the cache once the fixture has written its `ready` line to stdout (after that write, on the
 * next turn of the event loop, so the line goes out first); stdout is its own again from then on.
 */
function writeCacheWhenReady(script) {
  const write = process.stdout.write;
  process.stdout.write = function writeAndWatch(chunk, ...rest) {
    if (/^ready /m.test(String(chunk))) {
      process.stdout.write = write;
      setImmediate(() => writeCache(script));
    }
    return write.call(this, chunk, ...rest);
  };
}

const cachedData = readCache();
const script = new vm.Script(Module.wrap(source.toString('utf8')), {
  filename: body,
  cachedData,
  // An `import()` the bundle kept (of a package left to Node) loads as in a module of its own.
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (script.cachedDataRejected === true)
  warn('V8 rejected the code cache (another node, or other flags); it is made again');
if (cachedData === undefined || script.cachedDataRejected === true) writeCacheWhenReady(script);
// The body as Node runs a CommonJS file: its own `require` (resolving from its folder), `module`,
// `__filename` and `__dirname`.
script.runInThisContext()(exports, Module.createRequire(body), module, body, dirname(body));
