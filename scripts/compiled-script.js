import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
/** The repository root. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Each workspace package's `src` and the `dist/.tsbuildinfo` its build writes (no tests). */
const PACKAGE_BUILDS = readdirSync(join(ROOT, 'packages')).map((name) => ({
    sources: join(ROOT, 'packages', name, 'src'),
    marker: join(ROOT, 'packages', name, 'dist', '.tsbuildinfo'),
    tests: false,
}));
const freshness = new Map();
/**
 * The JavaScript that `tsc -b` (run first by `npm test`) emitted for a test's child-process
 * script, to run on plain `node` instead of through tsx's loader: about 0.5 s of CPU a process
 * against 1.2 to 1.4 s on Node 20 (an example; more for a process that loads many modules, each
 * of which goes through the loader's hooks). Such a process imports the packages' built `dist`.
 * `undefined` when the emitted file is missing or when any source is newer than its last build (a
 * test run without `tsc -b`, after an edit): the caller then runs the TypeScript through tsx, so a
 * test never runs stale code.
 *
 * @param compiled The emitted file.
 * @param build The project that emits it; every package's build is checked as well.
 */
export function compiledScript(compiled, build) {
    if (!existsSync(compiled))
        return undefined;
    return [build, ...PACKAGE_BUILDS].every(isFresh) ? compiled : undefined;
}
/** Whether a build's marker is newer than all its sources; checked once per process. */
function isFresh(build) {
    const known = freshness.get(build.marker);
    if (known !== undefined)
        return known;
    const fresh = !existsSync(build.sources) ||
        (existsSync(build.marker) &&
            newestSource(build.sources, build.tests) <= statSync(build.marker).mtimeMs);
    freshness.set(build.marker, fresh);
    return fresh;
}
/** The newest modification time of the TypeScript a folder's build reads (no node_modules). */
function newestSource(folder, tests) {
    let newest = 0;
    for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !/\.tsx?$/.test(entry.name))
            continue;
        const path = join(entry.parentPath, entry.name);
        if (path.includes(`${sep}node_modules${sep}`))
            continue;
        if (!tests &&
            (/\.test(-d)?\.ts$/.test(entry.name) || path.includes(`${sep}__fixtures__${sep}`)))
            continue;
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
    return newest;
}
