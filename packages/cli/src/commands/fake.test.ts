// `gemloop fake` in-process: its flags and their errors, a real agent against the served fake, a
// script file, the request log without the key, the busy-port message and `gemloop probe --fake`.
// The built bin as a process (SIGTERM, the probe as another process) is fake.bin.test.ts's.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { main } from '../cli.ts';
import { CliFlagError } from '../cli-flag-error.ts';
import { parseFakeFlags } from '../fake/parse-fake-flags.ts';
import { describeListenError } from '../listen-error-hint.ts';
import { createFakeCommand } from './fake.ts';

const io = captureIo;

/** Runs `gemloop fake` until `use` is done with its URL; returns the exit code and the output. */
async function serve(
  args: string[],
  use: (url: string) => Promise<void> = async () => {},
  cwd?: string,
) {
  const run = io();
  let release!: () => void;
  const stopped = new Promise<void>((resolve) => {
    release = resolve;
  });
  let failure: unknown;
  const untilStopped = async () => {
    // The command asks when to stop before it prints its URL.
    await new Promise((resolve) => setImmediate(resolve));
    const url = /Listening on (http:\/\/\S+)/.exec(run.out())?.[1] ?? '';
    try {
      await use(url);
    } catch (error) {
      failure = error;
    }
    release();
    await stopped;
  };
  const code = await createFakeCommand(untilStopped, cwd).run(args, run);
  if (failure !== undefined) throw failure;
  return { code, out: run.out(), err: run.err() };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

async function occupyPort(): Promise<number> {
  const taken = createServer();
  servers.push(taken);
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  return (taken.address() as { port: number }).port;
}

const weatherTool = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string().describe('The city name') }),
  execute: ({ city }) => ({ city, temperatureC: 18, conditions: 'sunny' }),
});

describe('gemloop fake', () => {
  it('serves the demo model: a real agent calls its tool and answers from the result', async () => {
    const result = await serve(['--port', '0'], async (url) => {
      const gemini = createGemini({ baseUrl: url, apiKey: 'secret-dev-key-42' });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [weatherTool] });
      const answer = await agent.run('What is the weather in Paris?');
      expect(answer.steps[0]?.toolCalls.map((call) => call.args)).toEqual([{ city: 'Paris' }]);
      expect(answer.text).toContain('18');
      const streamed = agent.stream('What is the weather in Oslo?');
      for await (const _event of streamed) {
        // drained
      }
      expect((await streamed.result).text).toContain('Oslo');
    });
    expect(result.code).toBe(0);
    const url = /Listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(result.out);
    expect(Number(url?.[2])).toBeGreaterThan(0);
    expect(result.out).toContain(`GEMINI_BASE_URL=${url?.[1]} GEMINI_API_KEY=fake`);
    expect(result.out).toContain('serving the demo model');
    // One line per request; never the key.
    const lines = result.out.split('\n').filter((line) => / -> \d{3}/.test(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} POST generateContent gemini-2\.5-flash -> 200$/,
    );
    expect(lines[2]).toMatch(
      /POST streamGenerateContent gemini-2\.5-flash -> 200 \(stream, sse\)$/,
    );
    expect(result.out + result.err).not.toContain('secret-dev-key-42');
    expect(result.out).toMatch(/gemloop fake: stopped\.\n$/);
  });

  it('loads a script file: its default export answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-fake-script-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'my-script.mjs'),
      `export default (request, context) => ({ parts: [{ text: 'custom: ' + context.lastUserText }] });\n`,
    );
    const result = await serve(
      ['--port', '0', '--script', './my-script.mjs'],
      async (url) => {
        const gemini = createGemini({ baseUrl: url, apiKey: 'k' });
        const answer = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hello');
        expect(answer.text).toBe('custom: hello');
      },
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('serving the script in ./my-script.mjs');
  });

  it('applies --gateway-mistakes, --fault and --models to the served fake', async () => {
    await serve(
      ['--port', '0', '--gateway-mistakes', 'refuse-bearer', '--fault', 'overloaded:call=0'],
      async (url) => {
        const post = (headers: Record<string, string>) =>
          fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
          });
        expect((await post({ 'x-goog-api-key': 'k' })).status).toBe(503);
        expect((await post({ 'x-goog-api-key': 'k' })).status).toBe(200);
        expect((await post({ authorization: 'Bearer k' })).status).toBe(401);
      },
    );
    await serve(['--port', '0', '--models', 'my-model,gemini-2.5-flash'], async (url) => {
      const post = (model: string) =>
        fetch(`${url}/v1beta/models/${model}:generateContent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
          body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
        });
      expect((await post('my-model')).status).toBe(200);
      expect((await post('gemini-3-flash-preview')).status).toBe(404);
    });
  });

  it('refuses bad flags naming the flag and what it accepts, exit 2, before listening', async () => {
    const cases: [string[], string][] = [
      [['--port', '70000'], '--port "70000" is not accepted; use a port number from 0 to 65535'],
      [['--port', '0x10'], '--port "0x10" is not accepted'],
      [['--script', 'demos'], '--script "demos" is not accepted; use demo, probe, echo, ./file.js'],
      [
        ['--gateway-mistakes', 'drop-call-ids,nope'],
        '--gateway-mistakes "nope" is not accepted; use signatures-in-text, openai-chunks',
      ],
      [['--fault', 'slow'], '--fault "slow": unknown fault type "slow". Write --fault TYPE['],
      [['--fault', 'latency'], 'latency needs its delay, as latency:ms=500'],
      [['--fault', 'overloaded:p=2'], 'p is a chance from 0 to 1'],
      [['--fault', 'overloaded:ms=5'], 'ms is the delay of a latency fault only'],
      [['--fault', 'rate-limit:times=x'], 'times needs a number, as times=1'],
      // Past the largest timer Node sets, the delay would be 1 ms (TimeoutOverflowWarning).
      [
        ['--port', '0', '--fault', 'latency:ms=2147483648'],
        'ms is at most 2147483647 (about 24 days)',
      ],
      [['--models', ','], '--models "," is not accepted; use pattern, a comma-separated list'],
      [['--host', ''], '--host "" is not accepted'],
      [['--script', './missing.mjs'], '--script ./missing.mjs: no such file'],
    ];
    for (const [args, message] of cases) {
      const run = io();
      const code = await createFakeCommand(() => Promise.resolve()).run(args, run);
      expect([code, run.err()]).toEqual([2, expect.stringContaining(message)]);
      expect(run.err()).toMatch(/^gemloop fake: /);
      expect(run.out()).toBe('');
    }
    const exporting = mkdtempSync(join(tmpdir(), 'gemloop-fake-script-'));
    onTestFinished(() => rmSync(exporting, { recursive: true, force: true }));
    writeFileSync(join(exporting, 'nothing.mjs'), 'export const other = 1;\n');
    const run = io();
    expect(
      await createFakeCommand(() => Promise.resolve(), exporting).run(
        ['--port', '0', '--script', 'nothing.mjs'],
        run,
      ),
    ).toBe(2);
    expect(run.err()).toContain('it exports no script (default export: none)');
    expect(run.err()).toContain('A script file is a module whose default export');
  });

  it('refuses unknown options with its usage, and prints the usage for --help', async () => {
    const unknown = io();
    expect(await main(['fake', '--nope'], unknown)).toBe(2);
    expect(unknown.err()).toContain("Unknown option '--nope'");
    expect(unknown.err()).toContain('Usage: gemloop fake');
    const help = io();
    expect(await main(['fake', '--help'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: gemloop fake \[--port N\]/);
    // The lists come from @gemloop/testing and parse-fault-flag.ts, filled in.
    expect(help.out()).toContain('signatures-in-text, openai-chunks');
    expect(help.out()).toContain('rate-limit, daily-quota');
    expect(help.out()).not.toMatch(/MISTAKES|FAULTS/);
  });

  it('on a busy port, exits 1 suggesting --port 0 and the next free port', async () => {
    const port = await occupyPort();
    const run = io();
    expect(
      await createFakeCommand(() => Promise.resolve()).run(['--port', String(port)], run),
    ).toBe(1);
    expect(run.err()).toContain(`gemloop fake: port ${port} on 127.0.0.1 is already in use`);
    expect(run.err()).toContain('Use --port 0 for any free port');
  });

  it('answers a 1 GiB request body with a 413 in Google’s error shape, without reading it', async () => {
    let answer: { status: number; body: string } | undefined;
    const { code } = await serve(['--port', '0'], async (url) => {
      answer = await new Promise((resolve, reject) => {
        // Declares 1 GiB and sends 64 KiB: a server that waited for the whole body never answers.
        const sent = request(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
          method: 'POST',
          headers: { 'x-goog-api-key': 'fake', 'content-length': String(1024 ** 3) },
        });
        sent.on('response', (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString() });
            sent.destroy();
          });
        });
        sent.on('error', reject);
        sent.write(Buffer.alloc(64 * 1024, 0x20));
      });
    });
    expect(code).toBe(0);
    expect(answer?.status).toBe(413);
    expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({
      error: {
        code: 413,
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining('exceeds the limit'),
      },
    });
  });

  it('warns when the host is not a loopback address', async () => {
    const result = await serve(['--port', '0', '--host', '0.0.0.0']);
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      'warning: listening on 0.0.0.0, not a loopback address: anyone who can reach it can use this fake',
    );
    const loopback = await serve(['--port', '0', '--host', '127.0.0.1']);
    expect(loopback.err).toBe('');
  });

  it('says the printed http URL needs allowInsecureHttp off loopback (attack15), and only there', async () => {
    const open = await serve(['--port', '0', '--host', '0.0.0.0']);
    expect(open.out).toContain(
      'createGemini takes this http URL only with { allowInsecureHttp: true }',
    );
    const loopback = await serve(['--port', '0', '--host', '127.0.0.1']);
    expect(loopback.out).not.toContain('allowInsecureHttp');
  });
});

describe('parseFakeFlags', () => {
  it('reads every flag, with the defaults', () => {
    expect(parseFakeFlags({}, ['drop-call-ids'])).toEqual({
      port: 4320,
      host: '127.0.0.1',
      script: { kind: 'named', name: 'demo' },
      gatewayMistakes: [],
      faults: [],
      models: undefined,
    });
    expect(
      parseFakeFlags(
        {
          port: '0',
          host: '::1',
          script: 'scripts/my.mjs',
          'gateway-mistakes': 'drop-call-ids, trailing-done',
          fault: [
            'rate-limit:p=0.25,delay=3',
            'latency:ms=200,times=2',
            'connection-reset:after=2,call=4',
          ],
          models: 'pattern',
        },
        ['drop-call-ids', 'trailing-done'],
      ),
    ).toEqual({
      port: 0,
      host: '::1',
      script: { kind: 'file', path: 'scripts/my.mjs' },
      gatewayMistakes: ['drop-call-ids', 'trailing-done'],
      faults: [
        { fault: { type: 'rate-limit', retryDelaySeconds: 3 }, probability: 0.25 },
        { fault: { type: 'latency', ms: 200 }, times: 2 },
        { fault: { type: 'connection-reset', afterChunks: 2 }, on: 4 },
      ],
      models: 'pattern',
    });
  });

  it('throws a CliFlagError carrying the flag, the value (escaped) and what it accepts', () => {
    let thrown: unknown;
    try {
      parseFakeFlags({ script: 'demo\x1b[2J' }, []);
    } catch (error) {
      thrown = error;
    }
    expect(CliFlagError.isInstance(thrown)).toBe(true);
    const error = thrown as CliFlagError;
    expect(error.code).toBe('cli-flag');
    expect(error.flag).toBe('--script');
    expect(error.value).toBe('demo\\u001b[2J');
    expect(error.accepted).toEqual([
      'demo',
      'probe',
      'echo',
      './file.js',
      './file.mjs',
      './file.ts',
    ]);
    expect(error.message).not.toContain('\x1b');
  });
});

describe('describeListenError', () => {
  it('names the next free port above a busy one', async () => {
    const port = await occupyPort();
    const message = await describeListenError(
      Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }),
      '127.0.0.1',
      port,
    );
    const suggested = Number(/or --port (\d+) \(free now\)/.exec(message)?.[1]);
    expect(suggested).toBeGreaterThan(port);
    expect(suggested).toBeLessThanOrEqual(port + 10);
  });
});

describe('gemloop probe --fake', () => {
  it('probes an in-process fake with the key "fake": every line passes, exit 0', async () => {
    const run = io({ GEMINI_API_KEY: 'real-key-must-not-be-sent' });
    expect(await main(['probe', '--fake', '--json'], run)).toBe(0);
    // stdout is the JSON alone (for jq and scripts); what the probe says besides goes to stderr.
    expect(run.err()).toContain('probing the fake Gemini of gemloop fake');
    const report = JSON.parse(run.out()) as {
      records: { status: string }[];
      ok: boolean;
    };
    expect(report.ok).toBe(true);
    expect(report.records).toHaveLength(16);
    expect(report.records.every((record) => record.status === 'pass')).toBe(true);
    expect(run.out()).not.toContain('real-key-must-not-be-sent');
  });

  it('--api interactions probes the Interactions API of the fake: create, state, SSE events with ids', async () => {
    const run = io({});
    expect(await main(['probe', '--fake', '--api', 'interactions', '--json'], run)).toBe(0);
    const report = JSON.parse(run.out().slice(run.out().indexOf('{'))) as {
      records: { id: string; status: string }[];
    };
    expect(report.records.map((record) => [record.id, record.status])).toEqual([
      ['interactions-create', 'pass'],
      ['interactions-state', 'pass'],
      ['interactions-stream', 'pass'],
    ]);
  });

  it('--api interactions fails on an endpoint without the route, with what to do instead', async () => {
    const run = Object.assign(io({ GEMINI_API_KEY: 'k' }), {
      fetch: async () => new Response('{"error":"no route"}', { status: 404 }),
    });
    expect(
      await main(['probe', '--base-url', 'http://127.0.0.1:1', '--api', 'interactions'], run),
    ).toBe(1);
    expect(run.out()).toContain('Keep the agent on generateContent');
  });

  it('refuses --fake with --base-url', async () => {
    const run = io({ GEMINI_API_KEY: 'k' });
    expect(await main(['probe', '--fake', '--base-url', 'http://127.0.0.1:1'], run)).toBe(2);
    expect(run.err()).toContain('--fake and --base-url exclude each other');
  });
});
