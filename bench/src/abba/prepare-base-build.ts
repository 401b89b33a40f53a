import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A built @gemloop/core of one commit, ready to load from `coreDirectory/dist/index.js`. */
export type BaseBuild = {
  /** The full hash. */
  commit: string;
  coreDirectory: string;
  /** Found built in the cache: nothing was installed or compiled this time. */
  cached: boolean;
  /**
   * The commit's own lockfile could not be installed from the offline store, so its tree uses
   * the current checkout's node_modules: its code, today's dependency versions.
   */
  linkedNodeModules: boolean;
};

/** Options of {@link prepareBaseBuild}. */
export type PrepareBaseBuildOptions = {
  repoRoot: string;
  /** Anything `git rev-parse` takes. */
  commit: string;
  /** Builds go to `<cacheDirectory>/<hash>/`. */
  cacheDirectory: string;
  log: (line: string) => void;
};

const MARKER = '.abba-build.json';

/**
 * The child processes' environment without the npm/pnpm settings of the `pnpm run` that started
 * us: a nested install must read the base tree's own configuration, not ours.
 */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(npm|pnpm)_/i.test(key)) delete env[key];
  }
  delete env['NODE_OPTIONS'];
  return env;
}

function run(command: string, args: readonly string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: 'pipe', env: cleanEnvironment() });
}

function failureText(error: unknown): string {
  const output = error as { stdout?: Buffer; stderr?: Buffer };
  const text = `${output.stdout?.toString() ?? ''}${output.stderr?.toString() ?? ''}`.trim();
  return (text || String(error)).slice(-2000);
}

/**
 * Builds @gemloop/core of `commit` side by side with the current tree, once per commit: the
 * commit's files from `git archive` (not a `git worktree`: nothing is registered in the
 * repository, so nothing is left to prune when the cache goes), its own lockfile installed from
 * pnpm's offline store, then `tsc -b packages/core` (and the commit's own `scripts/bundle-core.mjs`
 * where it has one: from bundle56 on, core's JavaScript is that bundle). When the offline store lacks a package of
 * that lockfile, it links the current checkout's node_modules instead and says so.
 */
export function prepareBaseBuild({
  repoRoot,
  commit,
  cacheDirectory,
  log,
}: PrepareBaseBuildOptions): BaseBuild {
  const hash = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
  const tree = join(cacheDirectory, hash);
  const coreDirectory = join(tree, 'packages', 'core');
  const marker = join(tree, MARKER);
  if (existsSync(marker) && existsSync(join(coreDirectory, 'dist', 'index.js'))) {
    const { linkedNodeModules } = JSON.parse(readFileSync(marker, 'utf8')) as {
      linkedNodeModules: boolean;
    };
    return { commit: hash, coreDirectory, cached: true, linkedNodeModules };
  }
  log(`building ${hash.slice(0, 9)} in ${tree}`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const archive = `${tree}.tar`;
  run('git', ['archive', '--format=tar', `--output=${archive}`, hash], repoRoot);
  run('tar', ['-xf', archive, '-C', tree], tree);
  rmSync(archive, { force: true });

  const { packageManager } = JSON.parse(readFileSync(join(tree, 'package.json'), 'utf8')) as {
    packageManager?: string;
  };
  const pnpm = packageManager?.startsWith('pnpm@') ? packageManager : 'pnpm';
  let linkedNodeModules = false;
  try {
    run('npx', ['-y', pnpm, 'install', '--frozen-lockfile', '--offline'], tree);
  } catch (error) {
    log(
      `the offline install of ${hash.slice(0, 9)}'s lockfile failed; linking the current node_modules instead (its code, today's dependency versions):\n${failureText(error)}`,
    );
    rmSync(join(tree, 'node_modules'), { recursive: true, force: true });
    rmSync(join(coreDirectory, 'node_modules'), { recursive: true, force: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(tree, 'node_modules'));
    symlinkSync(
      join(repoRoot, 'packages', 'core', 'node_modules'),
      join(coreDirectory, 'node_modules'),
    );
    linkedNodeModules = true;
  }
  try {
    run(join(tree, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/core'], tree);
    // From bundle56 on, tsc writes core's declarations only and the JavaScript is the bundler's:
    // a base at or after it has no dist/index.js until its own script has run.
    const bundler = join(tree, 'scripts', 'bundle-core.mjs');
    if (existsSync(bundler)) run(process.execPath, [bundler], tree);
  } catch (error) {
    throw new Error(`building @gemloop/core of ${hash.slice(0, 9)} failed:\n${failureText(error)}`);
  }
  writeFileSync(marker, `${JSON.stringify({ commit: hash, linkedNodeModules })}\n`);
  return { commit: hash, coreDirectory, cached: false, linkedNodeModules };
}
