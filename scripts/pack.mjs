#!/usr/bin/env node
// Makes an npm tarball of every public workspace package (each packages/* whose package.json is not
// private) into `.packs/` (or `--out <dir>`), ready for `npm install ./.packs/*.tgz` in any project.
//
// `pnpm pack`, not `npm pack`: pnpm rewrites `workspace:*` to the real version and applies
// `publishConfig` (the exports without the `@gemloop/source` condition). npm keeps `workspace:*`,
// which a plain `npm install` then refuses (EUNSUPPORTEDPROTOCOL).
//
// The root LICENSE goes into every package folder that has none (gitignored there), so every
// tarball, and every later `pnpm publish` from that folder, carries it.
//
// Plain JavaScript so that it runs on Node 20 without a TypeScript loader.
// Usage: node scripts/pack.mjs [--out <dir>] [--no-build] [--json]

import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { assertCoreBundleFresh, bundleCore, findCoreBundleStaleness } from './bundle-core.mjs';
import { removeStaleDistFiles } from './remove-stale-dist.mjs';

/** The pnpm the repository pins (package.json `packageManager`). */
const PNPM = 'pnpm@12.21.0';

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * Every public workspace package: `{ name, version, directory }` for each packages/* whose
 * package.json is not `private`, sorted by folder name.
 */
export function listPublicPackages() {
  const packagesDirectory = join(root, 'packages');
  return readdirSync(packagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDirectory, entry.name))
    .filter((directory) => existsSync(join(directory, 'package.json')))
    .map((directory) => {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
      return {
        name: manifest.name,
        version: manifest.version,
        private: manifest.private === true,
        directory,
      };
    })
    .filter((pkg) => !pkg.private)
    .map(({ name, version, directory }) => ({ name, version, directory }))
    .sort((a, b) => a.directory.localeCompare(b.directory));
}

/**
 * Builds (unless `build: false`), removes what no source emits any more from each `dist/`
 * (`remove-stale-dist.mjs`), and packs every public package into `out`, emptied first, with one
 * recursive `pnpm pack` (which leaves out private packages): one start of npx and pnpm instead of
 * one per package cut the packing from ~14 s to ~2 s of CPU. Its report must name exactly the
 * packages of {@link listPublicPackages}, or this throws.
 * Resolves to `[{ name, version, directory, tarball }]` with absolute paths, in package order.
 * `run(command, args, { cwd })`, when given, runs the build and the pack instead and resolves to
 * their `{ stdout }` (a test's hang guard, test/packed-install.test.ts); it rejects on a failure.
 */
export async function packPublicPackages({ out = join(root, '.packs'), build = true, run } = {}) {
  const packages = listPublicPackages();
  if (build) {
    const buildArgs = [require_tsc(), '-b', ...packages.map((pkg) => pkg.directory)];
    if (run) await run(process.execPath, buildArgs, { cwd: root });
    else execFileSync(process.execPath, buildArgs, { cwd: root, stdio: 'inherit' });
    // tsc writes core's declarations only; its JavaScript is the bundle's (bundle-core.mjs).
    if ((await findCoreBundleStaleness()) !== undefined) await bundleCore();
  }
  // Never a tarball of old code: a bundle older than core's sources stops the pack.
  await assertCoreBundleFresh();
  // tsc never deletes: what a moved or deleted source emitted before would be packed with the rest.
  removeStaleDistFiles(packages.map((pkg) => pkg.directory));
  const destination = resolve(out);
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  const license = join(root, 'LICENSE');
  for (const pkg of packages) {
    const packageLicense = join(pkg.directory, 'LICENSE');
    if (!existsSync(packageLicense)) copyFileSync(license, packageLicense);
  }
  const packArgs = ['-y', PNPM, '--recursive', 'pack', '--json', '--pack-destination', destination];
  const { stdout: output } = run
    ? await run(npx(), packArgs, { cwd: root })
    : await packWithStderrShown(packArgs);
  // A recursive pack reports an array, one entry per package (`{ name, filename, ... }`).
  const reports = JSON.parse(output.slice(output.indexOf('[')));
  const reported = reports.map((entry) => entry.name).sort();
  const expected = packages.map((pkg) => pkg.name).sort();
  if (JSON.stringify(reported) !== JSON.stringify(expected)) {
    throw new Error(`pnpm pack packed ${reported.join(', ')}; expected ${expected.join(', ')}`);
  }
  return packages.map((pkg) => {
    const report = reports.find((entry) => entry.name === pkg.name);
    if (!report) throw new Error(`pnpm pack reported no tarball for ${pkg.name}`);
    const tarball = resolve(destination, report.filename);
    if (!existsSync(tarball)) throw new Error(`pnpm pack reported ${tarball}, which is missing`);
    return { name: pkg.name, version: pkg.version, directory: pkg.directory, tarball };
  });
}

const execFileAsync = promisify(execFile);

/** `pnpm pack`, its warnings and errors where they went when this ran with stderr inherited. */
async function packWithStderrShown(args) {
  const child = execFileAsync(npx(), args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  child.child.stderr?.pipe(process.stderr, { end: false });
  return child;
}

function npx() {
  return process.platform === 'win32' ? 'npx.cmd' : 'npx';
}

/** The TypeScript compiler the repository pins, run with this Node. */
function require_tsc() {
  return join(root, 'node_modules', 'typescript', 'bin', 'tsc');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const packed = await packPublicPackages({
    ...(outIndex === -1 ? {} : { out: args[outIndex + 1] }),
    build: !args.includes('--no-build'),
  });
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(packed)}\n`);
  } else {
    for (const { name, version, tarball } of packed) {
      process.stdout.write(`${name}@${version}  ${tarball}\n`);
    }
    process.stdout.write(
      `\nInstall in any project: npm install ${packed.map((p) => p.tarball).join(' ')} zod\n`,
    );
  }
}
