// A gateway key carried in a URL's query (`?key=`), beside the x-goog-api-key or Bearer key
// (attack-core5): some gateways take it there. Public imports only, a raw server on 127.0.0.1
// that fails the first call quoting the request's headers, answers a tool call (the tool fails
// quoting a URL with a `?key=`), then the answer. Neither key may reach an error, a log line
// (trace), a recorded run file, or a request body.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createLogger } from '@gemloop/core/logging';
import { createRunRecorder } from '@gemloop/core/recorder';
import { listenOnLoopback } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'AIzaHeaderKey-0123456789abcdef';
const QUERY_KEY = 'gw-query-token-9876543210fedcba';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function gatewayEchoingUrls(streamed: boolean) {
  const bodies: string[] = [];
  let calls = 0;
  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const call = calls++;
      if (call === 0) {
        // A 400 whose message quotes the URL and headers the gateway got.
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              code: 400,
              status: 'INVALID_ARGUMENT',
              message: `bad request to ${req.url} with ${JSON.stringify(req.headers)}`,
            },
          }),
        );
        return;
      }
      const parts =
        call === 1
          ? [{ functionCall: { name: 'leaky', args: {} } }]
          : [{ text: `done (you called ${req.url})` }];
      const answer = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }] };
      res.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json' });
      res.end(streamed ? `data: ${JSON.stringify(answer)}\n\n` : JSON.stringify(answer));
    });
  });
  closers.push(() => server.close());
  return { url: server.url, bodies };
}

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', destination }) };
}

const render = (value: unknown) =>
  inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true });

describe('a key in the base URL query', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const streamed of [false, true]) {
      it(`stays out of errors, logs and run files (${auth}, ${streamed ? 'streamed' : 'unary'})`, async () => {
        const { url, bodies } = await gatewayEchoingUrls(streamed);
        const dir = await mkdtemp(join(tmpdir(), 'ac5-runs-'));
        closers.push(() => rm(dir, { recursive: true, force: true }));
        const { lines, logger } = capture();
        // The client refuses a key in the base URL, without printing it…
        let refused: unknown;
        try {
          createGemini({ baseUrl: `${url}/?key=${QUERY_KEY}`, apiKey: KEY, auth });
        } catch (error) {
          refused = error;
        }
        expect(String(refused)).toContain('baseUrl must not carry credentials');
        expect(render(refused)).not.toContain(QUERY_KEY);
        // …so the query key can only come back in what others say: a tool's error quoting a URL
        // with it, the gateway quoting the request.
        const gemini = createGemini({ baseUrl: url, apiKey: KEY, auth, logger, retry: false });
        const leaky = defineTool({
          name: 'leaky',
          parameters: z.object({}),
          execute: () => {
            throw new Error(`upstream ${url}/?key=${QUERY_KEY} said no`);
          },
        });
        const recorder = createRunRecorder({ dir });
        const agent = createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          tools: [leaky],
          logger,
          recorder,
        });
        const outcomes: unknown[] = [];
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            if (streamed) {
              const stream = agent.stream('Go.');
              for await (const event of stream) outcomes.push(event);
              outcomes.push(await stream.result);
            } else outcomes.push(await agent.run('Go.'));
          } catch (error) {
            outcomes.push(error);
          }
        }
        expect(bodies.length).toBeGreaterThanOrEqual(3);
        // The recorder appends its lines after the run settles: read them once they are on disk
        // (at load ~30 the files were still empty here, 1 run of 2).
        await recorder.flush();
        const files = await readdir(dir);
        const recorded = (
          await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8')))
        ).join('\n');
        expect(recorded.length).toBeGreaterThan(0);
        // The tool's own error stays on `toolCall.cause` as thrown (in-process, for the caller;
        // only the client's key, which it knows, is redacted there): a token it does not know
        // may be there, and nowhere else.
        expect(render(outcomes)).not.toContain(KEY);
        const told = outcomes.map((outcome) =>
          JSON.stringify(outcome, (key, value) => (key === 'cause' ? undefined : value)),
        );
        for (const [where, text] of [
          ['what the caller is told', told.join('\n')],
          ['log lines', lines.join('')],
          ['run files', recorded],
          ['request bodies', bodies.join('\n')],
        ] as const) {
          expect(text, where).not.toContain(KEY);
          expect(text, where).not.toContain(QUERY_KEY);
        }
      });
    }
  }
});
