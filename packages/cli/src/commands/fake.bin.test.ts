// The built bin as `npx gemloop fake` runs it: a process on a free port that a real agent and a
// `gemloop probe` process use, and that SIGTERM stops with exit code 0.

import { type ChildProcess, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const exec = promisify(execFile);
const bin = CLI_BIN;

// The bin imports the built @gemloop/core and @gemloop/testing; build them first (incremental).
beforeAll(buildCli, BUILD_LIMIT_MS);

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `gemloop fake ...args` and resolves with its URL once it prints it. */
async function startFake(args: string[]) {
  // A server: gone with this test process however that ends (a plain spawn outlived a killed run).
  const child = startGuarded(process.execPath, [bin, 'fake', ...args], {
    env: { PATH: process.env['PATH'] ?? '' },
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /Listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`gemloop fake exited ${code}: ${err}`)));
  });
  return { child, url, out: () => out, err: () => err };
}

describe('gemloop fake, the built bin', () => {
  it('serves an agent and a passing gemloop probe on a free port; SIGTERM exits 0', async () => {
    const fake = await startFake(['--port', '0']);
    const gemini = createGemini({ baseUrl: fake.url, apiKey: 'bin-secret-key-7' });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [
        defineTool({
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: z.object({ city: z.string() }),
          execute: ({ city }) => ({ city, temperatureC: 21, conditions: 'clear' }),
        }),
      ],
    });
    const answer = await agent.run('Weather in Tokyo?');
    expect(answer.steps[0]?.toolCalls.map((call) => call.args)).toEqual([{ city: 'Tokyo' }]);
    expect(answer.text).toContain('21');

    const probe = await exec(process.execPath, [bin, 'probe', '--base-url', fake.url], {
      env: { PATH: process.env['PATH'] ?? '', GEMINI_API_KEY: 'fake' },
      timeout: 60_000,
    });
    const lines = probe.stdout.split('\n').filter((line) => /^(PASS|WARN|FAIL|SKIP) /.test(line));
    expect(lines).toHaveLength(16);
    expect(lines.filter((line) => !line.startsWith('PASS'))).toEqual([]);

    const exited = once(fake.child, 'exit');
    fake.child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(fake.out()).toMatch(/gemloop fake: stopped\.\n$/);
    expect(fake.out()).toContain(' -> 429 fault=rate-limit');
    expect(fake.out() + fake.err()).not.toContain('bin-secret-key-7');
    expect(fake.err()).toBe('');
  });

  it('stops on SIGINT (Ctrl-C) with exit code 0 too', async () => {
    const fake = await startFake(['--port', '0', '--script', 'echo']);
    const exited = once(fake.child, 'exit');
    fake.child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it('loads a .ts script on every Node, Node 20 included (tsx), with TypeScript-only syntax', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-fake-ts-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // An enum and a `.js` specifier naming a `.ts` file: neither loads where Node only strips types.
    writeFileSync(
      join(dir, 'prefix.ts'),
      "export enum Prefix { Ts = 'ts: ' }\nexport const prefix = (text: string): string => Prefix.Ts + text;\n",
    );
    writeFileSync(
      join(dir, 'script.ts'),
      "import { prefix } from './prefix.js';\nexport default (_request: unknown, context: { lastUserText?: string }) => ({ parts: [{ text: prefix(context.lastUserText ?? '') }] });\n",
    );
    const fake = await startFake(['--port', '0', '--script', join(dir, 'script.ts')]);
    const gemini = createGemini({ baseUrl: fake.url, apiKey: 'k' });
    const answer = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hi');
    expect(answer.text).toBe('ts: hi');
  });
});
