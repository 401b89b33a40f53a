// Installs the workspace with the pinned pnpm, but only when it has to: when node_modules is
// missing, or when the lockfile, pnpm-workspace.yaml or a workspace package.json is newer than
// the last install (pnpm's node_modules/.modules.yaml). A warm checkout starts in milliseconds
// instead of the second or two (and the "Scope: all N workspace projects" lines) of a no-op
// `pnpm install`. A fresh clone has no node_modules and installs; CI installs first
// (`.ci/run`), so the check finds nothing to do. Delete node_modules/.modules.yaml to force one.
// Plain JavaScript: it runs before anything is installed, so neither tsx nor tsc is there yet.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pnpm the README, CI and `packageManager` pin. */
const PNPM = 'pnpm@12.21.0';

const root = fileURLToPath(new URL('..', import.meta.url));
const marker = join(root, 'node_modules', '.modules.yaml');

/**
 * The workspace's package folders, from the `packages:` list of pnpm-workspace.yaml (`text`); a
 * comment line inside the list ends nothing (it ended the list, and `docs` and
 * `test/runtimes/node-binaries`, each after one, were never looked at).
 */
export function workspaceFolders(text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) {
  const list = /^packages:\s*\n((?:[ \t]+[-#].*\n?)+)/m.exec(text)?.[1] ?? '';
  const folders = [];
  for (const line of list.split('\n')) {
    const pattern = /^\s+-\s*["']?([^"'#\s]+)/.exec(line)?.[1];
    if (pattern === undefined) continue;
    if (!pattern.endsWith('/*')) {
      folders.push(pattern);
      continue;
    }
    const parent = pattern.slice(0, -2);
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(`${parent}/${entry.name}`);
    }
  }
  return folders;
}

/** Why an install is needed, or `undefined` when node_modules is up to date. */
export function installReason() {
  if (!existsSync(marker)) return 'node_modules is missing';
  const installedAt = statSync(marker).mtimeMs;
  const inputs = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const folder of workspaceFolders()) inputs.push(`${folder}/package.json`);
  for (const input of inputs) {
    const path = join(root, input);
    if (existsSync(path) && statSync(path).mtimeMs > installedAt) return `${input} changed`;
  }
  return undefined;
}

/** Runs `pnpm install` when {@link installReason} says so; exits the process if it fails. */
export function installIfChanged() {
  const reason = installReason();
  if (reason === undefined) return;
  process.stderr.write(`Installing dependencies (${reason}) with ${PNPM}...\n`);
  const result = spawnSync('npx', ['-y', PNPM, 'install'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // pnpm leaves .modules.yaml alone when there was nothing to do: stamp it, so the next run
  // does not install again for the same change.
  const now = new Date();
  if (existsSync(marker)) utimesSync(marker, now, now);
}

/**
 * Removes Vitest's module cache (`experimental.fsModuleCache`, node_modules/.experimental-vitest-cache)
 * when the lockfile is newer than the cache's metadata. Vitest 4.1 checks the lockfile itself and,
 * when it changed, deletes that folder and then writes into the folder it removed: the run fails
 * at start with ENOENT (`0 passed`) once after every lockfile change (the deletion is
 * vitest-dev/vitest#11193; reproduced here on 4.1.12). With the folder gone first, Vitest finds no
 * metadata and starts a new cache. Returns whether it removed one.
 */
export function clearStaleModuleCache(directory = root) {
  const cache = join(directory, 'node_modules', '.experimental-vitest-cache');
  const metadata = join(cache, '_metadata.json');
  const lockfile = join(directory, 'pnpm-lock.yaml');
  if (!existsSync(metadata) || !existsSync(lockfile)) return false;
  if (statSync(lockfile).mtimeMs <= statSync(metadata).mtimeMs) return false;
  rmSync(cache, { recursive: true, force: true });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  installIfChanged();
  clearStaleModuleCache();
}
