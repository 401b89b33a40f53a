import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';

// Users deploy agents as bundles: `esbuild --bundle --platform=node --format=esm` (serverless
// deploys, tsup with gemloop inlined), run where no node_modules is. gemloop loads pino,
// zod-to-json-schema, zod/v4/core and @cfworker/json-schema synchronously on first use; with
// `createRequire(import.meta.url)(name)` alone no bundler saw them, so such a bundle failed at its
// first zod 3 tool, zod mini tool or logger with Node's bare "Cannot find module" (attack47b).

const fixtures = fileURLToPath(new URL('./__fixtures__/bundled-app/', import.meta.url));

type Line = {
  name: string;
  value?: unknown;
  error?: {
    name: string;
    code: string;
    message: string;
    packageName?: string;
    requires?: string;
    causeName?: string;
  };
};

/** A folder under the system's temporary one: no node_modules in it or above it. */
let folder: string;

/** Bundles one fixture app as users do, into `folder`, with the workspace's sources. */
async function bundle(entry: string, external: string[] = []): Promise<string> {
  const outfile = join(folder, entry.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(fixtures, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external,
    conditions: ['@gemloop/source'],
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Runs a bundle with plain node from `folder`: one JSON line a check. Without `NODE_PATH`, which
 * pnpm's bin shims (`npx vitest`) set to the store's hoisted node_modules: with it, Node found
 * every package the bundle left out.
 */
async function run(bundled: string): Promise<Map<string, Line>> {
  const env = { ...process.env };
  delete env['NODE_PATH'];
  const { stdout } = await runGuarded(process.execPath, [bundled], { cwd: folder, env });
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
  return new Map(lines.map((line) => [line.name, line]));
}

let app: Promise<string>;
let external: Promise<string>;
/** The app bundle's one run, read by each test that asks (a run is ~1 s of CPU). */
let appRun: Promise<Map<string, Line>> | undefined;
const runApp = () => {
  appRun ??= app.then(run);
  return appRun;
};
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-bundled-'));
  app = bundle('app.ts');
  // gemloop's lazily loaded packages left out of the bundle, and not installed where it runs.
  external = bundle('external.ts', ['pino', 'zod-to-json-schema', '@cfworker/json-schema']);
  // Settled by the tests that await them; a failed build fails those tests, not this hook.
  app.catch(() => {});
  external.catch(() => {});
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('an agent app bundled by esbuild (platform node, ESM), run without node_modules', {
  timeout: GUARDED_TEST_LIMIT_MS,
}, () => {
  it('runs zod 4, zod 3, JSON Schema and MCP tools, a subagent, structured output, telemetry and a file history store', async () => {
    await app;
    expect(readdirSync(folder)).not.toContain('node_modules');
    const checks = await runApp();
    expect(checks.get('tools, subagent, MCP, output, telemetry')).toEqual({
      name: 'tools, subagent, MCP, output, telemetry',
      value: {
        output: { sum: 21 },
        answers: [
          { name: 'zod4', response: { output: 1 } },
          { name: 'zod3', response: { output: 3 } },
          // Validated by @cfworker/json-schema (not a flat schema): it is in the bundle.
          {
            name: 'json',
            response: expect.objectContaining({
              issues: [
                { path: 'a', message: 'Instance type "string" is invalid. Expected "number".' },
              ],
            }),
          },
          { name: 'mcp_echo', response: { output: 'echo five' } },
          { name: 'helper', response: { answer: 'the subagent answers' } },
        ],
      },
    });
    expect(checks.get('zod 3 output')?.value).toEqual({ sum: 3 });
    expect(checks.get('file history store')?.value).toBe('stored');
    // ipaddr.js (each fetch's address check) is in the bundle.
    expect(checks.get('web fetch')?.value).toBe('A text page.');
  });

  it('refuses a zod mini tool at defineTool, naming zod/v4/core, which it keeps out of bundles', async () => {
    const { error } = (await runApp()).get('zod mini tool') ?? {};
    expect(error).toMatchObject({ name: 'MissingDependencyError', packageName: 'zod/v4/core' });
    expect(error?.message).toContain('Use schemas of zod 4.2+ from "zod"');
  });

  it('answers a web fetch of HTML with what to install: turndown runs from its files, in a worker', async () => {
    const checks = await runApp();
    const { error } = checks.get('web fetch of HTML') ?? {};
    expect(error).toMatchObject({ name: 'WebFetchError', causeName: 'MissingDependencyError' });
    expect(error?.message).toContain('from its own files, which no bundle holds');
    expect(error?.message).toContain('npm install turndown');
  });

  it("fails createLogger at the call with a MissingDependencyError that names pino's require and the banner", async () => {
    // pino is in the bundle, but its own require('node:os') has no require() in esbuild's ESM
    // output: no package can fix that, the app's build can.
    const checks = await runApp();
    const { error } = checks.get('logger') ?? {};
    expect(error).toMatchObject({
      name: 'MissingDependencyError',
      code: 'missing-dependency',
      packageName: 'pino',
      requires: 'node:os',
    });
    expect(error?.message).toContain(
      `--banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"`,
    );
  });

  it('names each package marked external and not installed where it is first needed, with the fix', async () => {
    const checks = await run(await external);
    for (const [name, packageName] of [
      ['zod 3 tool', 'zod-to-json-schema'],
      ['JSON Schema validation', '@cfworker/json-schema'],
      ['logger', 'pino'],
    ] as const) {
      const { error } = checks.get(name) ?? {};
      expect(error, name).toMatchObject({ name: 'MissingDependencyError', packageName });
      expect(error?.requires, name).toBeUndefined();
      expect(error?.message, name).toContain(`npm install ${packageName}`);
    }
  });
});
