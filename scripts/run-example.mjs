// `npm run demo`, `npm run chat`: runs an example of examples/package.json the way its script
// does (node with the `@gemloop/source` condition and tsx's loader), straight from this process
// rather than through `pnpm --filter ... run`. So a warm checkout prints the example's first
// line at once (no install, no build: the examples run from source), pnpm's "Scope: all N
// workspace projects" and ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL lines never appear, and when the
// example fails its own error is the last thing printed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installIfChanged } from './install-if-changed.mjs';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const [name, ...args] = process.argv.slice(2);
const scripts = JSON.parse(readFileSync(join(examples, 'package.json'), 'utf8')).scripts ?? {};
// The file is the script's `.ts` argument: examples/package.json stays the one list of examples.
const file =
  name === undefined ? undefined : scripts[name]?.split(/\s+/).find((word) => word.endsWith('.ts'));
if (file === undefined) {
  const known = Object.keys(scripts).join(', ');
  process.stderr.write(
    `Usage: node scripts/run-example.mjs <example> [args...]; examples: ${known}.\n`,
  );
  process.exit(2);
}

installIfChanged();
// The example runs in examples/, but "the folder the command was started from" is this process's:
// `npm run demo` says so in INIT_CWD, and `node scripts/run-example.mjs demo` (the README's way to
// run an example) sets it the same way. Without it, the demo and the chat recorded their runs in
// examples/.gemloop/runs, where `npm run view` at the root never looks.
const child = spawn(
  process.execPath,
  ['--conditions=@gemloop/source', '--import', 'tsx', file, ...args],
  {
    cwd: examples,
    stdio: 'inherit',
    env: { ...process.env, INIT_CWD: process.env.INIT_CWD || process.cwd() },
  },
);
// Ctrl-C and a closed terminal reach the example too (same process group): it decides how to end
// (chat cancels the answer first), and this process only reports how it ended. A SIGTERM sent to
// this process alone is passed on.
for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (error) => {
  process.stderr.write(`Could not start ${file}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  // Ended by a signal: end the same way, so the shell sees it (exit status 128 + n).
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
