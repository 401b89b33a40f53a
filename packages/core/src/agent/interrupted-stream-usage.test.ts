import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatSession } from '../chat/create-chat-session.ts';
import { StreamError } from '../errors/stream-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';
import { ModelCallError } from './errors/model-call-error.ts';

// A streamed answer cut after five chunks that reported usage was billed for those tokens: the
// error, the run's span, the run file and a chat's usage all used to say 0. Real client, real
// socket: the server writes five chunks with cumulative usage, then hangs or resets.

const usage = (chunk: number) => ({
  promptTokenCount: 12,
  candidatesTokenCount: chunk * 4,
  totalTokenCount: 12 + chunk * 4,
});
const LAST = usage(5);
const PARTIAL_COST = '0.0000536';

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function serveFiveChunks(ending: 'hang' | 'reset'): Promise<string> {
  const server = createServer((incoming, out) => {
    incoming.resume();
    incoming.on('end', () => {
      out.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let chunk = 1; chunk <= 5; chunk++) {
        const body = {
          candidates: [{ content: { role: 'model', parts: [{ text: `part ${chunk} ` }] } }],
          usageMetadata: usage(chunk),
        };
        out.write(`data: ${JSON.stringify(body)}\r\n\r\n`);
      }
      if (ending === 'reset') setTimeout(() => out.socket?.resetAndDestroy(), 20);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function setup(ending: 'hang' | 'reset') {
  const baseUrl = await serveFiveChunks(ending);
  const gemini = createGemini({ apiKey: 'test-key-0123456789', baseUrl, retry: false });
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-partial-usage-'));
  dirs.push(dir);
  const recorder = createRunRecorder({ dir });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    recorder,
    telemetry: { tracerProvider },
  });
  const runEnd = async (): Promise<RecordedRunLine & { type: 'run-end' }> => {
    await recorder.flush();
    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    return lines.find((line) => line.type === 'run-end') as RecordedRunLine & { type: 'run-end' };
  };
  const spanUsage = (kind: 'run' | 'model call') => {
    const span = exporter
      .getFinishedSpans()
      .find((candidate) => candidate.name.startsWith('invoke_agent') === (kind === 'run'));
    return {
      input: span?.attributes['gen_ai.usage.input_tokens'],
      output: span?.attributes['gen_ai.usage.output_tokens'],
    };
  };
  const runSpanCost = () =>
    exporter.getFinishedSpans().find((candidate) => candidate.name.startsWith('invoke_agent'))
      ?.attributes['gemloop.cost.usd'];
  const callSpanCost = () =>
    exporter.getFinishedSpans().find((candidate) => candidate.name.startsWith('generate_content'))
      ?.attributes['gemloop.cost.usd'];
  const callEndCost = async () => {
    await recorder.flush();
    const [name] = await readdir(dir);
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const end = lines.find((line) => line.type === 'model-call-end') as
      | (RecordedRunLine & { type: 'model-call-end' })
      | undefined;
    return end?.cost?.total;
  };
  return {
    agent,
    runEnd,
    runSpanUsage: () => spanUsage('run'),
    spanUsage,
    runSpanCost,
    callSpanCost,
    callEndCost,
  };
}

describe('the usage of an interrupted stream', () => {
  it('is kept when the caller aborts after five chunks: error, span, run file, chat', async () => {
    const { agent, runEnd, runSpanUsage, runSpanCost, spanUsage, callSpanCost, callEndCost } =
      await setup('hang');
    const chat = createChatSession({ agent, id: 'partial-usage' });
    const controller = new AbortController();
    const stream = chat.sendStream('Tell a story', { signal: controller.signal });
    let deltas = 0;
    const error = await (async () => {
      for await (const event of stream) {
        if (event.type === 'text-delta' && ++deltas === 5) controller.abort(new Error('stop'));
      }
    })().catch((caught: unknown) => caught);
    await stream.result.catch(() => undefined);

    expect(deltas).toBe(5);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    const aborted = error as AgentAbortedError;
    expect(aborted.run.usage).toMatchObject(LAST);
    expect(aborted.partialUsage).toEqual({ ...LAST, partial: true });
    expect(aborted.toJSON()['partialUsage']).toEqual({ ...LAST, partial: true });
    expect((await runEnd()).usage).toMatchObject(LAST);
    expect(runSpanUsage()).toEqual({ input: 12, output: 20 });
    expect(chat.usage).toMatchObject(LAST);
    // And what those tokens cost: 12 x $0.30/M + 20 x $2.50/M (gemini-2.5-flash).
    expect(aborted.run.cost.total).toBe(PARTIAL_COST);
    expect((await runEnd()).cost?.total).toBe(PARTIAL_COST);
    expect(runSpanCost()).toBe(Number(PARTIAL_COST));
    expect(chat.cost.total).toBe(PARTIAL_COST);
    // The aborted model call's own span and recorded end: what it was billed, and its cost.
    expect(spanUsage('model call')).toEqual({ input: 12, output: 20 });
    expect(callSpanCost()).toBe(Number(PARTIAL_COST));
    expect(await callEndCost()).toBe(PARTIAL_COST);
  });

  it('is kept when the stream is cut: ModelCallError and its StreamError cause', async () => {
    const { agent, runEnd, runSpanUsage, spanUsage, callSpanCost, callEndCost } =
      await setup('reset');
    const error = await agent.stream('Tell a story').result.catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    const failed = error as ModelCallError;
    expect(failed.run.usage).toMatchObject(LAST);
    expect(failed.run.cost.total).toBe(PARTIAL_COST);
    expect(failed.partialUsage).toEqual({ ...LAST, partial: true });
    expect(StreamError.isInstance(failed.cause)).toBe(true);
    expect((failed.cause as StreamError).partialUsage).toEqual({ ...LAST, partial: true });
    expect((await runEnd()).usage).toMatchObject(LAST);
    expect(runSpanUsage()).toEqual({ input: 12, output: 20 });
    // The failed model call's own span too, and its cost there and in the run file.
    expect(spanUsage('model call')).toEqual({ input: 12, output: 20 });
    expect(callSpanCost()).toBe(Number(PARTIAL_COST));
    expect(await callEndCost()).toBe(PARTIAL_COST);
  });
});
