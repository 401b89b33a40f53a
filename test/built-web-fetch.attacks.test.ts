// attack59b: the web fetch tool as users run it, a process of plain node on the built packages.
// The tests beside the tool run its source, where it worked; built, every fetch failed with
// "ReferenceError: require is not defined" before a byte was sent. @gemloop/core's dist is one
// esbuild bundle (bundle56), and esbuild rewrites its `typeof require` to `typeof __require`, a
// function even in an ES module: requireDependency then called the tool's `() => require(...)`,
// which in the tool's own (unbundled) ES module names nothing. The address check of every fetch
// loads ipaddr.js that way, so no URL could be fetched, and the model read a ReferenceError.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';
import { builtFile } from './fixtures/built-file.ts';

const TOOLS = builtFile('tools/dist/index.js');

let folder = '';
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-a59b-web-fetch-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * Serves one page on 127.0.0.1, fetches it with the tool (the address opened by
 * allowedAddressRanges), and asks for IPv6 loopback (refused); prints what each call gave.
 */
const FETCH = (load: string): string => `
const { createServer } = require('node:http');
const run = async () => {
  const { createWebFetchTool, WebFetchError } = ${load};
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the page');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const tool = createWebFetchTool({ allowedAddressRanges: ['127.0.0.1'] });
  const context = { signal: new AbortController().signal, toolCallId: 'c', step: 1, logger: undefined, contents: [] };
  const report = {};
  try {
    const result = await tool.execute({ url: 'http://127.0.0.1:' + server.address().port + '/' }, context);
    report.fetched = result.content;
  } catch (error) {
    report.fetched = String(error);
  }
  try {
    await tool.execute({ url: 'http://[::1]/' }, context);
    report.refused = 'fetched';
  } catch (error) {
    report.refused = WebFetchError.isInstance(error) ? error.reason : String(error);
  }
  server.close();
  console.log(JSON.stringify(report));
};
run();
`;

async function runScript(name: string, source: string): Promise<unknown> {
  const path = join(folder, name);
  writeFileSync(path, source);
  const { stdout } = await runGuarded(process.execPath, [path], {
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the built web fetch tool', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  it('fetches an allowed address and refuses loopback, imported from an ES module', async () => {
    const report = await runScript(
      'fetch.mjs',
      `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${FETCH(`await import(${JSON.stringify(TOOLS)})`)}`,
    );
    expect(report).toEqual({ fetched: 'hello from the page', refused: 'address-not-allowed' });
  });

  it('does the same required from CommonJS', async () => {
    const report = await runScript(
      'fetch.cjs',
      FETCH(`require(${JSON.stringify(new URL(TOOLS).pathname)})`),
    );
    expect(report).toEqual({ fetched: 'hello from the page', refused: 'address-not-allowed' });
  });
});
