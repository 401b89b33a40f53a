import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runGuarded, TYPESCRIPT_GO_HEAP } from '../scripts/run-guarded.ts';
import { buildInfoFile, checkWithKeptBuildInfo } from './fixtures/kept-build-info.ts';

// packed-install.test.ts runs each type-check from the build info its last passing run left:
// here, on planted projects checked by the repository's TypeScript, a kept build info is read
// by a project in another folder, a changed `.d.ts` or source is checked (and emitted) again, a
// type error is reported through it, and a failing check keeps nothing.

const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gemloop-kept-build-info-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let planted = 0;
/**
 * A run's project, as packed-install writes one: a folder of its own per run (at the same depth),
 * an installed package's `.d.ts` and a source that uses it, emitted to `dist/`.
 */
function plantProject(
  declaration = 'export declare function greet(name: string): string;',
  source = 'export const hello: string = greet("you");',
): string {
  planted += 1;
  const directory = join(scratch, `run-${planted}`, 'project');
  mkdirSync(join(directory, 'node_modules', 'lib'), { recursive: true });
  mkdirSync(join(directory, 'src'), { recursive: true });
  writeFileSync(
    join(directory, 'node_modules', 'lib', 'package.json'),
    JSON.stringify({ name: 'lib', types: './index.d.ts' }),
  );
  writeFileSync(join(directory, 'node_modules', 'lib', 'index.d.ts'), `${declaration}\n`);
  writeFileSync(join(directory, 'src', 'app.ts'), `import { greet } from 'lib';\n${source}\n`);
  writeFileSync(
    join(directory, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        // TypeScript's own lib files unchecked: ~0.4 s of CPU a check down to ~0.13 (the planted
        // package's `.d.ts` is still checked).
        skipDefaultLibCheck: true,
        module: 'nodenext',
        outDir: 'dist',
        rootDir: 'src',
        types: [],
      },
      include: ['src'],
    }),
  );
  return directory;
}

/** The check as packed-install runs it, listing what TypeScript emitted (none: nothing checked again). */
async function check(
  cache: string,
  directory: string,
  { slot = 'project tsconfig.json', config = 'tsconfig.json', outputs = ['dist'] } = {},
) {
  const { result, reused } = await checkWithKeptBuildInfo({
    cache,
    slot,
    directory,
    outputs,
    check: (args) =>
      runGuarded(
        process.execPath,
        [TSC, '--singleThreaded', '--listEmittedFiles', '-p', config, ...args],
        { cwd: directory, env: { ...process.env, ...TYPESCRIPT_GO_HEAP } },
      ),
  });
  const emitted = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('TSFILE: ') && line.endsWith('.js'))
    .map((line) => line.slice(line.lastIndexOf('/') + 1));
  return { reused, emitted };
}

const newCache = () => mkdtempSync(join(scratch, 'cache-'));

describe('checkWithKeptBuildInfo', () => {
  it('a passing check is kept: the next run in another folder checks nothing again and gets its outputs', async () => {
    const cache = newCache();
    expect(await check(cache, plantProject())).toEqual({ reused: false, emitted: ['app.js'] });
    const next = plantProject();
    expect(await check(cache, next)).toEqual({ reused: true, emitted: [] });
    // The emitted file the later steps run is there, from the kept outputs.
    expect(readFileSync(join(next, 'dist', 'app.js'), 'utf8')).toContain(`("you")`);
    expect(existsSync(join(next, buildInfoFile('project tsconfig.json')))).toBe(true);
  });

  it("reports a type error in a package's changed .d.ts through the kept build info, and keeps no failure", async () => {
    const cache = newCache();
    await check(cache, plantProject());
    const broken = plantProject(
      'export declare function greet(name: string): string;\nexport type Broken = NoSuchName;',
    );
    await expect(check(cache, broken)).rejects.toThrow(
      /node_modules\/lib\/index\.d\.ts.*TS2304: Cannot find name 'NoSuchName'/s,
    );
    // The failed run kept nothing: the passing run's entry still stands.
    expect(await check(cache, plantProject())).toEqual({ reused: true, emitted: [] });
  });

  it('checks a source that uses a changed declaration again, with its error', async () => {
    const cache = newCache();
    await check(cache, plantProject());
    await expect(
      check(cache, plantProject('export declare function greet(name: number): string;')),
    ).rejects.toThrow(/src\/app\.ts.*TS2345/s);
  });

  it('emits a changed source again, over the kept output', async () => {
    const cache = newCache();
    await check(cache, plantProject());
    const changed = plantProject(undefined, 'export const hello: string = greet("them");');
    expect(await check(cache, changed)).toEqual({ reused: true, emitted: ['app.js'] });
    expect(readFileSync(join(changed, 'dist', 'app.js'), 'utf8')).toContain(`("them")`);
  });

  it('keeps nothing of a first check that fails', async () => {
    const cache = newCache();
    await expect(
      check(cache, plantProject(undefined, 'export const n: number = greet("x");')),
    ).rejects.toThrow(/TS2322/);
    expect(readdirSync(cache)).toEqual([]);
    expect(await check(cache, plantProject())).toEqual({ reused: false, emitted: ['app.js'] });
  });

  it('two checks of one project side by side each read their own build info', async () => {
    const cache = newCache();
    // Two configs of one project, each emitting into a folder of its own: had they shared one
    // build info file, each would find the other's options there and check (and emit) anew.
    const both = (directory: string) => {
      const config = JSON.parse(readFileSync(join(directory, 'tsconfig.json'), 'utf8'));
      config.compilerOptions.outDir = 'dist-b';
      writeFileSync(join(directory, 'tsconfig.b.json'), JSON.stringify(config));
      return Promise.all([
        check(cache, directory, { slot: 'a' }),
        check(cache, directory, { slot: 'b', config: 'tsconfig.b.json', outputs: ['dist-b'] }),
      ]);
    };
    expect(await both(plantProject())).toEqual([
      { reused: false, emitted: ['app.js'] },
      { reused: false, emitted: ['app.js'] },
    ]);
    expect(await both(plantProject())).toEqual([
      { reused: true, emitted: [] },
      { reused: true, emitted: [] },
    ]);
  });

  it("removes a dead run's partial entry", async () => {
    const cache = newCache();
    // A pid above Linux's limit (2^22) is no process.
    mkdirSync(join(cache, 'project_tsconfig.json.99999999.partial'));
    await check(cache, plantProject());
    expect(readdirSync(cache)).toEqual(['project_tsconfig.json']);
  });
});
