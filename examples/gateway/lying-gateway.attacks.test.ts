// A gateway that lies (attack-core5): byte-level and shape-level tricks a CometAPI-like gateway
// can play on the native API, served from a raw node:http server on 127.0.0.1 (the fake Gemini
// writes well-formed bytes only). Public imports only. For each, the run ends typed or reads
// the answer, and what the model said goes back on the next turn as it came (compared on the
// bytes the server received).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAgent, createGemini, defineTool, GemloopError } from '@gemloop/core';
import { listenOnLoopback } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'AIzaLyingGateway-0123456789abcdef';
const MODEL = 'gemini-2.5-flash';
type Reply = (
  request: { url: string; body: string; index: number },
  res: ServerResponse,
) => void | Promise<void>;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A raw server answering each model call with `replies[i]`; the bodies it received, as text. */
async function gateway(replies: Reply[] | Reply) {
  const bodies: string[] = [];
  const urls: string[] = [];
  const server = await listenOnLoopback((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = bodies.length;
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      urls.push(req.url ?? '');
      const reply = typeof replies === 'function' ? replies : replies[index];
      if (reply === undefined) {
        res.writeHead(500).end('{"error":{"code":500,"message":"script out","status":"INTERNAL"}}');
        return;
      }
      void reply({ url: req.url ?? '', body, index }, res);
    });
  });
  servers.push(server);
  return { baseUrl: server.url, bodies, urls };
}

const json =
  (value: unknown): Reply =>
  (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(value));
  };
const sse =
  (text: string): Reply =>
  (_request, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(text);
  };
const answer = (text: string, extra: Record<string, unknown> = {}) => ({
  candidates: [
    { content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0, ...extra },
  ],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
});
const callTurn = (parts: unknown[]) => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
});

const echo = defineTool({
  name: 'echo',
  description: 'Echoes.',
  parameters: z.object({ q: z.string().optional() }),
  execute: ({ q }) => ({ got: q ?? null }),
});

function agentOn(baseUrl: string, auth: 'x-goog-api-key' | 'bearer' = 'x-goog-api-key') {
  const gemini = createGemini({ baseUrl, apiKey: KEY, auth, retry: false });
  return createAgent({ gemini, model: MODEL, tools: [echo], maxSteps: 6 });
}

async function outcome(agent: ReturnType<typeof agentOn>, mode: 'run' | 'stream', input = 'hi') {
  try {
    if (mode === 'run') return { result: await agent.run(input) };
    const stream = agent.stream(input);
    for await (const _event of stream);
    return { result: await stream.result };
  } catch (error) {
    return { error };
  }
}

function whole(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = `${error.message}\n${error.stack}`;
  for (const key of Object.getOwnPropertyNames(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    if (key === 'cause') text += `\n${whole(value)}`;
    else if (typeof value === 'string') text += `\n${value}`;
  }
  return text;
}

/** The model content of request `index`'s contents at `at`, as the raw JSON text sent. */
function sentContents(body: string): unknown[] {
  return (JSON.parse(body) as { contents: unknown[] }).contents;
}

describe('SSE framing a gateway may use', () => {
  const chunk = (text: string, finish?: string) =>
    JSON.stringify({
      candidates: [
        {
          content: { role: 'model', parts: [{ text }] },
          index: 0,
          ...(finish ? { finishReason: finish } : {}),
        },
      ],
    });
  it('reads events separated by \\r only', async () => {
    const { baseUrl } = await gateway([
      sse(`data: ${chunk('Hel')}\r\rdata: ${chunk('lo', 'STOP')}\r\r`),
    ]);
    const { result, error } = await outcome(agentOn(baseUrl), 'stream');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('Hello');
  });
  it('reads a stream that starts with a byte-order mark', async () => {
    const { baseUrl } = await gateway([
      sse(`\uFEFFdata: ${chunk('Hel')}\n\ndata: ${chunk('lo', 'STOP')}\n\n`),
    ]);
    const { result, error } = await outcome(agentOn(baseUrl), 'stream');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('Hello');
  });
  it('reads data: lines that arrive one byte per TCP write', async () => {
    const body = Buffer.from(
      `data: ${chunk('héllo wörld ✓')}\r\n\r\ndata: ${chunk('!', 'STOP')}\r\n\r\n`,
    );
    const { baseUrl } = await gateway([
      async (_request, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.socket?.setNoDelay(true);
        res.flushHeaders();
        for (const byte of body) {
          res.write(Buffer.from([byte]));
          await new Promise((resolve) => setImmediate(resolve));
        }
        res.end();
      },
    ]);
    const { result, error } = await outcome(agentOn(baseUrl), 'stream');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('héllo wörld ✓!');
  });
  it('ends typed on an `event: error` frame, the key nowhere', async () => {
    const { baseUrl } = await gateway([
      sse(
        `data: ${chunk('Hel')}\n\nevent: error\ndata: {"error":{"code":500,"message":"upstream said ${KEY}","status":"INTERNAL"}}\n\n`,
      ),
    ]);
    const { result, error } = await outcome(agentOn(baseUrl), 'stream');
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(GemloopError);
    expect(whole(error)).not.toContain(KEY);
  });
  it('reads a whole JSON array sent as application/json on the streamed endpoint', async () => {
    const { baseUrl } = await gateway([
      json([JSON.parse(chunk('Hel')), JSON.parse(chunk('lo', 'STOP'))]),
    ]);
    const { result, error } = await outcome(agentOn(baseUrl), 'stream');
    expect(error).toBeUndefined();
    expect(result?.text).toBe('Hello');
  });
  for (const mode of ['run', 'stream'] as const) {
    it(`ends typed on a 200 with an HTML body (${mode}), the key nowhere`, async () => {
      const page = `<!doctype html><html><body><h1>Gateway login</h1><p>${KEY}</p></body></html>`;
      const { baseUrl } = await gateway([
        (_request, res) => {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end(page);
        },
      ]);
      const { result, error } = await outcome(agentOn(baseUrl), mode);
      expect(result).toBeUndefined();
      expect(error).toBeInstanceOf(GemloopError);
      expect(whole(error)).not.toContain(KEY);
    });
  }
});

describe('answers whose fields lie', () => {
  for (const mode of ['run', 'stream'] as const) {
    const reply = (value: unknown): Reply =>
      mode === 'run' ? json(value) : sse(`data: ${JSON.stringify(value)}\n\n`);
    it(`passes a finishReason it does not know through (${mode})`, async () => {
      const { baseUrl } = await gateway([
        reply(answer('done', { finishReason: 'SOMETHING_NEW_2027' })),
      ]);
      const { result, error } = await outcome(agentOn(baseUrl), mode);
      expect(error).toBeUndefined();
      expect(result?.text).toBe('done');
      expect(result?.finishReason).toBe('other');
      expect(result?.rawFinishReason).toBe('SOMETHING_NEW_2027');
      expect(result?.steps.at(-1)?.finishReason).toBe('SOMETHING_NEW_2027');
    });
    it(`stops on candidates: [] forever (${mode}), typed, in a bounded number of calls`, async () => {
      const { baseUrl, bodies } = await gateway(
        reply({ candidates: [], usageMetadata: { totalTokenCount: 1 } }),
      );
      const { result, error } = await outcome(agentOn(baseUrl), mode);
      // Unary: re-asked up to maxReasks, then an InvalidModelResponseError. Streamed: a stream that
      // ends without a finishReason is `interrupted`, one call.
      expect(result?.text ?? '').toBe('');
      if (mode === 'run') expect(error).toBeInstanceOf(GemloopError);
      else expect(result?.finishReason).toBe('interrupted');
      expect(bodies.length).toBe(mode === 'run' ? 3 : 1);
    });
    for (const [name, args] of [
      ['an array', ['a', 'b']],
      ['a string', '{"q":"x"}'],
    ] as const) {
      it(`refuses a call whose args are ${name} (${mode}), typed and naming the field`, async () => {
        const { baseUrl, bodies } = await gateway([
          reply(callTurn([{ functionCall: { name: 'echo', args } }])),
          reply(answer('ok')),
        ]);
        const { error } = await outcome(agentOn(baseUrl), mode);
        // A Struct on the wire: the API would refuse it sent back, so the run ends here.
        expect(error).toBeInstanceOf(GemloopError);
        expect(whole(error)).toContain('functionCall.args');
        expect(whole(error)).not.toContain(KEY);
        expect(bodies).toHaveLength(1);
      });
    }
    for (const [name, parts] of [
      ['a name with a slash', [{ functionCall: { name: 'tools/echo', args: {} } }]],
      ['a 10 KB name', [{ functionCall: { name: `e${'x'.repeat(10_000)}`, args: {} } }]],
      [
        'two calls with the same id',
        [
          { functionCall: { id: 'same', name: 'echo', args: { q: 'a' } } },
          { functionCall: { id: 'same', name: 'echo', args: { q: 'b' } } },
        ],
      ],
      [
        'a 10 MB thoughtSignature',
        [
          {
            functionCall: { name: 'echo', args: { q: 's' } },
            thoughtSignature: 'A'.repeat(10 * 1024 * 1024),
          },
        ],
      ],
      [
        'inlineData that is not base64',
        [
          { inlineData: { mimeType: 'image/png', data: '%%%not base64!!' } },
          { functionCall: { name: 'echo', args: {} } },
        ],
      ],
    ] as [string, unknown[]][]) {
      it(`answers a call turn with ${name} (${mode}) and sends the turn back as it came`, async () => {
        const { baseUrl, bodies } = await gateway([reply(callTurn(parts)), reply(answer('ok'))]);
        const { result, error } = await outcome(agentOn(baseUrl), mode);
        expect(error).toBeUndefined();
        expect(result?.text).toBe('ok');
        expect(bodies).toHaveLength(2);
        const contents = sentContents(bodies[1] as string);
        expect(contents[1]).toEqual({ role: 'model', parts });
        // Every call is answered once, in order.
        const responses = (
          contents[2] as { parts: { functionResponse?: { name: string; id?: string } }[] }
        ).parts;
        const calls = (parts as { functionCall?: { name: string } }[]).filter(
          (p) => p.functionCall,
        );
        expect(responses.map((p) => p.functionResponse?.name)).toEqual(
          calls.map((p) => p.functionCall?.name),
        );
      });
    }
  }
});
