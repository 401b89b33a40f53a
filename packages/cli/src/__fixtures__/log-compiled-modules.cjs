// Preloaded with `node --require`: writes `cjs <path>` for every file the process compiles as
// CommonJS (`Module.prototype._compile`, which each `require`d file goes through: tsx's loader
// hands it the file it compiled), to the file GEMLOOP_LOADED_LOG names, beside
// log-loaded-modules.mjs's ES module URLs. A `"type": "module"` file Node `require`s itself
// passes here too and is then taken from the ES module cache.
const Module = require('node:module');
const { appendFileSync } = require('node:fs');

const compile = Module.prototype._compile;
Module.prototype._compile = function logged(...args) {
  appendFileSync(process.env.GEMLOOP_LOADED_LOG, `cjs ${args[1]}\n`);
  return compile.apply(this, args);
};
