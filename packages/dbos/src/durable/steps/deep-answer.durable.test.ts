// A model or gateway answering a durable run with a function call whose `args` nest 100,000
// levels deep (`[[[…]]]`, 200 KB: under every size cap, and V8's JSON.parse takes it). The
// durable model step records each answer as JSON, which cannot write it: the run ended "The model
// call of step 1 failed: Maximum call stack size exceeded" (deep47). It now ends saying what
// nested too deeply and why it had to be recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

const DEPTH = 100_000;
const DEEP = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const script = new URL('../../__fixtures__/tool-result-worker.ts', import.meta.url).pathname;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-deep47-'));

// The fake Gemini writes its turns with JSON.stringify, which cannot write this answer: a
// loopback server sends it as text, and a plain answer once a function response came back.
const gateway = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  request.on('end', () => {
    const part = body.includes('functionResponse')
      ? '{"text":"Seen."}'
      : `{"functionCall":{"name":"shot","args":{"a":${DEEP}}}}`;
    const answer = `{"candidates":[{"content":{"role":"model","parts":[${part}]},"finishReason":"STOP"}]}`;
    const streamed = (request.url ?? '').includes('stream');
    response.writeHead(200, {
      'content-type': streamed ? 'text/event-stream' : 'application/json',
    });
    response.end(streamed ? `data: ${answer}\n\n` : answer);
  });
});

let runs: DurableRuns;
let worker: WorkerProcess;

beforeAll(async () => {
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const { port } = gateway.address() as AddressInfo;
  const env = {
    DATABASE_URL: await workerDatabase('deep47'),
    FAKE_URL: `http://127.0.0.1:${port}`,
    COUNTER_FILE: createCounter().file,
    HOLD_DIR: holdDirectory,
  };
  runs = await createDurableRuns({ databaseUrl: env.DATABASE_URL, pollingIntervalMs: 100 });
  worker = await startWorker({ ...env, EXECUTOR_ID: 'deep47-0' }, script);
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('a durable run whose model answers with arguments nested 100,000 deep', () => {
  it('ends saying the answer is nested too deeply to record, not a bare stack overflow', async () => {
    await runs.start('looker', { runId: 'deep', input: 'Look.' });
    const error = await runs.result('deep').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('Durable run "deep" ended with status ERROR');
    expect(message).toContain(
      "The model call of step 1 failed: the model's answer cannot be recorded as JSON: it is nested too deeply",
    );
    expect(message).toContain("a function call's arguments");
    expect((await runs.status('deep'))?.status).toBe('ERROR');
  });
});
