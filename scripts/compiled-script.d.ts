/**
 * A TypeScript project `tsc -b` builds: the folder of its sources, the file its build writes
 * (`tsBuildInfoFile`), and whether it builds the tests (`*.test.ts`, `__fixtures__`) too.
 */
export type Build = {
    sources: string;
    marker: string;
    tests: boolean;
};
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
export declare function compiledScript(compiled: string, build: Build): string | undefined;
