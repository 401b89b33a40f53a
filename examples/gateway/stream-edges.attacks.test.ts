// A tenth outside pass (attack-core10) on the streamed endpoint: the SSE a gateway may send that
// the earlier passes did not (lying-gateway.attacks.test.ts has \r-only events, a BOM, one byte per
// write, `event: error`, HTML on a 200). Served from a raw node:http server on 127.0.0.1, public
// imports only. Each case: the run reads the answer or ends typed, the key nowhere, and what the
// model said goes back on the next turn as it came.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool, GemloopError } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { listenOnLoopback } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'AIzaStreamEdges-0123456789abcdef0123';
const MODEL = 'gemini-2.5-flash';
type Reply = (res: ServerResponse) => void | Promise<void>;
const closers: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A raw server answering the n-th model call with `replies[n]`; the bodies it received. */
async function gateway(replies: Reply[]) {
  const bodies: string[] = [];
  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const reply = replies[bodies.length - 1];
      if (reply === undefined) res.writeHead(500).end('{"error":{"code":500,"message":"out"}}');
      else void reply(res);
    });
  });
  closers.push(() => server.close());
  return { baseUrl: server.url, bodies };
}

/** Writes `pieces` one write each (a TCP segment apart), as a gateway's flushes would. */
const sse =
  (...pieces: (string | Uint8Array)[]): Reply =>
  async (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    for (const piece of pieces) {
      res.write(piece);
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  };

const chunk = (parts: unknown[], finish?: string) =>
  JSON.stringify({
    candidates: [
      { content: { role: 'model', parts }, index: 0, ...(finish ? { finishReason: finish } : {}) },
    ],
  });
const text = (value: string, finish?: string) => chunk([{ text: value }], finish);
/** A unary answer (the follow-up runs are `agent.run`). */
const done: Reply = (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
    }),
  );
};

const echo = defineTool({
  name: 'echo',
  description: 'Echoes.',
  parameters: z.object({ q: z.string().optional() }),
  execute: ({ q }) => ({ got: q ?? null }),
});

async function streamed(baseUrl: string, recorder?: ReturnType<typeof createRunRecorder>) {
  const gemini = createGemini({ baseUrl, apiKey: KEY, retry: false });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [echo],
    maxSteps: 4,
    ...(recorder && { recorder }),
  });
  const deltas: string[] = [];
  try {
    const stream = agent.stream('hi');
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
    return { result: await stream.result, deltas };
  } catch (error) {
    return { error, deltas };
  }
}

function whole(error: unknown, depth = 0): string {
  if (depth > 4 || !(error instanceof Error)) return String(error);
  let all = `${error.message}\n${error.stack}`;
  for (const key of Object.getOwnPropertyNames(error)) {
    const value = (error as unknown as Record<string, unknown>)[key];
    all += `\n${key}=${value instanceof Error ? whole(value, depth + 1) : JSON.stringify(value)}`;
  }
  return all;
}

describe('line ends mixed in one body', () => {
  it('CRLF, LF and CR events, and a CR LF split across two writes, read as four events', async () => {
    const { baseUrl } = await gateway([
      // The third event's end split as CR | LF CR LF: that LF ends no second line.
      sse(
        `data: ${text('a')}\r\n\r\n`,
        `data: ${text('b')}\n\n`,
        `data: ${text('c')}\r`,
        '\n\r\n',
        `data: ${text('d', 'STOP')}\r\r`,
      ),
    ]);
    const first = await streamed(baseUrl);
    expect(first.error).toBeUndefined();
    expect(first.result?.text).toBe('abcd');
  });
  it('an SSE comment, id, retry and an unknown field between events are skipped', async () => {
    const { baseUrl } = await gateway([
      sse(
        `: keep-alive\n\nid: 7\nretry: 10\ndata: ${text('x')}\n\n`,
        `event: ping\ndata: {}\n\n`,
        `foo: bar\ndata:${text('y', 'STOP')}\n\n`,
      ),
    ]);
    const { result, error } = await streamed(baseUrl);
    expect(error).toBeUndefined();
    expect(result?.text).toBe('xy');
  });
});

describe('UTF-8 and UTF-16 split where a gateway may split them', () => {
  it('a 4-byte emoji cut at each of its bytes across writes reads whole', async () => {
    const body = Buffer.from(`data: ${text('a😀b', 'STOP')}\n\n`);
    const at = body.indexOf(Buffer.from('😀'));
    for (const cut of [1, 2, 3]) {
      const { baseUrl } = await gateway([sse(body.subarray(0, at + cut), body.subarray(at + cut))]);
      const { result, error } = await streamed(baseUrl);
      expect(error, `cut ${cut}`).toBeUndefined();
      expect(result?.text, `cut ${cut}`).toBe('a😀b');
    }
  });
  it('a surrogate pair split over two chunks as JSON escapes joins in the text and goes back whole', async () => {
    const { baseUrl, bodies } = await gateway([
      sse(
        `data: ${chunk([{ text: 'x\uD83D' }]).replace('x\uD83D', 'x\\ud83d')}\n\n`,
        `data: ${chunk([{ text: '\uDE00y' }], 'STOP').replace('\uDE00y', '\\ude00y')}\n\n`,
      ),
      done,
    ]);
    const gemini = createGemini({ baseUrl, apiKey: KEY, retry: false });
    const agent = createAgent({ gemini, model: MODEL });
    const stream = agent.stream('hi');
    for await (const _event of stream);
    const first = await stream.result;
    expect(first.text).toBe('x😀y');
    await agent.run([...first.contents, { role: 'user', parts: [{ text: 'again' }] }]);
    const sent = JSON.parse(bodies[1] as string) as {
      contents: { role: string; parts: { text?: string }[] }[];
    };
    const model = sent.contents.find((content) => content.role === 'model');
    // However the parts were folded, what goes back holds no lone surrogate.
    const backText = model?.parts.map((part) => part.text ?? '').join('');
    expect(backText).toBe('x😀y');
    expect(bodies[1]).not.toMatch(/\\ud83d(?!\\ude00)/i);
  });
});

describe('what a gateway appends or interleaves', () => {
  it('an OpenAI-style data: [DONE] after the last chunk: the answer is read', async () => {
    const { baseUrl } = await gateway([
      sse(`data: ${text('Hel')}\n\n`, `data: ${text('lo', 'STOP')}\n\n`, 'data: [DONE]\n\n'),
    ]);
    const { result, error } = await streamed(baseUrl);
    expect(error).toBeUndefined();
    expect(result?.text).toBe('Hello');
  });
  for (const [label, frame] of [
    ['an OpenAI-shaped error', { error: { message: `quota for ${KEY}`, type: 'rate_limit' } }],
    ['an error that is a string', { error: `upstream failed for key=${KEY}` }],
    ['a detail field', { detail: `Invalid key ${KEY}`, status: 401 }],
  ] as const) {
    it(`${label} as a data: line after a chunk: typed, the key nowhere`, async () => {
      const { baseUrl } = await gateway([
        sse(`data: ${text('Hel')}\n\n`, `data: ${JSON.stringify(frame)}\n\n`),
      ]);
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-stream-edges-'));
      closers.push(() => void rm(dir, { recursive: true, force: true }));
      const recorder = createRunRecorder({ dir, fidelity: 'full' });
      const { result, error } = await streamed(baseUrl, recorder);
      // The recorder appends after the run settles: read its files once it has written them.
      await recorder.flush();
      // Either a typed error, or an answer whose end says it was not finished: never a "STOP".
      if (error === undefined) expect(result?.finishReason).not.toBe('stop');
      else expect(error).toBeInstanceOf(GemloopError);
      expect(whole(error)).not.toContain(KEY);
      // The result is the caller's (it keeps what came, as the model's words are kept); the run
      // file leaves the process.
      const files = await readdir(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(await readFile(join(dir, file), 'utf8')).not.toContain(KEY);
    });
  }
  it('a finishReason, then more parts: the text read is the text sent back', async () => {
    const { baseUrl, bodies } = await gateway([
      sse(`data: ${text('one', 'STOP')}\n\n`, `data: ${text(' two')}\n\n`),
      done,
    ]);
    const gemini = createGemini({ baseUrl, apiKey: KEY, retry: false });
    const agent = createAgent({ gemini, model: MODEL });
    const stream = agent.stream('hi');
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'text-delta') deltas.push(event.text);
    const result = await stream.result;
    await agent.run([...result.contents, { role: 'user', parts: [{ text: 'again' }] }]);
    const sent = JSON.parse(bodies[1] as string) as {
      contents: { role: string; parts: { text?: string }[] }[];
    };
    const back = sent.contents
      .find((content) => content.role === 'model')
      ?.parts.map((part) => part.text ?? '')
      .join('');
    // What the caller was shown, what the result says and what the model gets back agree.
    expect(deltas.join('')).toBe(result.text);
    expect(back).toBe(result.text);
  });
  it('a call chunk after the finish chunk: answered, or the run ends typed; never a call left unanswered', async () => {
    const { baseUrl, bodies } = await gateway([
      sse(
        `data: ${text('thinking', 'STOP')}\n\n`,
        `data: ${chunk([{ functionCall: { name: 'echo', args: { q: 'late' } } }])}\n\n`,
      ),
      done,
      done,
    ]);
    const { result, error } = await streamed(baseUrl);
    if (error !== undefined) {
      expect(error).toBeInstanceOf(GemloopError);
      return;
    }
    // A history the API takes: each call in it is followed by its response.
    const contents = result?.contents ?? [];
    contents.forEach((content, index) => {
      const calls = content.parts.filter((part) => part.functionCall !== undefined).length;
      if (calls === 0) return;
      const next = contents[index + 1];
      expect(next?.parts.filter((part) => part.functionResponse !== undefined).length).toBe(calls);
    });
    expect(bodies.length).toBeGreaterThanOrEqual(1);
  });
});
