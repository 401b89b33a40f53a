import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RunObserver } from '../telemetry/run-observer.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';
import { ToolExecutionError } from './errors/tool-execution-error.ts';

// A tool argument declared secret reaches `execute` and goes back to the model as it came, but
// never reaches what leaves the process: the run file, spans, observers, tool errors.

const PASSWORD = 'hunter2-correct-horse';
const PIN = '9876-secret-pin';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function loginTool(execute: (args: { user: string; password: string }) => unknown) {
  return defineTool({
    name: 'login',
    description: 'Logs in.',
    parameters: z.object({
      user: z.string(),
      password: z.string(),
      accounts: z.array(z.object({ id: z.number(), pin: z.string() })).optional(),
    }),
    secretArguments: ['password', 'accounts.*.pin'],
    execute,
  });
}

const callArgs = { user: 'ada', password: PASSWORD, accounts: [{ id: 1, pin: PIN }] };

/** An observer that keeps everything it is told, as JSON. */
function spyObserver(): { observer: RunObserver; seen: () => string } {
  const lines: unknown[] = [];
  const observer: RunObserver = {
    startRun(info) {
      lines.push(info);
      return {
        modelCall(call) {
          lines.push(call);
          return { retry() {}, firstChunk() {}, end: (outcome) => lines.push(outcome) };
        },
        toolCall(call) {
          lines.push(call);
          return { end: (record) => lines.push(record) };
        },
        stepEnd: (step) => lines.push(step),
        end: (outcome) => lines.push('result' in outcome ? outcome.result : String(outcome.error)),
      };
    },
  };
  return { observer, seen: () => JSON.stringify(lines) };
}

async function setup() {
  const fake = createFakeGemini({ script: [turn.call('login', callArgs), turn.text('Done.')] });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-secret-'));
  directories.push(dir);
  const recorder = createRunRecorder({ dir });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const spy = spyObserver();
  const readRunFile = async (): Promise<string> => {
    await recorder.flush();
    const [file] = await readdir(dir);
    return readFile(join(dir, file as string), 'utf8');
  };
  const spanText = (): string =>
    JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));
  return { fake, gemini, recorder, tracerProvider, spy, readRunFile, spanText };
}

describe('secretArguments', () => {
  it('execute and the history keep the real values; the run file and spans do not', async () => {
    const { fake, gemini, recorder, tracerProvider, readRunFile, spanText } = await setup();
    const received: unknown[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [loginTool((args) => received.push(args))],
      recorder,
      telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
    });
    const events: unknown[] = [];
    const stream = agent.stream('Log me in');
    for await (const event of stream) events.push(event);
    const result = await stream.result;

    // The run itself: execute, the model's turn sent back, the result's history, the events.
    expect(received).toEqual([callArgs]);
    const second = fake.requests[1]?.body as GenerateContentBody;
    expect(JSON.stringify(second.contents)).toContain(PASSWORD);
    expect(JSON.stringify(result.contents)).toContain(PIN);
    expect(JSON.stringify(events)).toContain(PASSWORD);

    // What leaves the process.
    const runFile = await readRunFile();
    expect(runFile).toContain('[redacted]');
    expect(runFile).toContain('"user":"ada"');
    expect(spanText()).toContain('[redacted]');
    for (const observed of [runFile, spanText()]) {
      expect(observed).not.toContain(PASSWORD);
      expect(observed).not.toContain(PIN);
    }
  });

  it('no observer hook sees them: start input with a past call, requests, responses, steps, result', async () => {
    const { gemini, spy } = await setup();
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [loginTool(() => 'ok')],
      recorder: spy.observer,
    });
    // A history that already holds a secret call (a chat's earlier turn).
    const history = [
      { role: 'user' as const, parts: [{ text: 'Earlier' }] },
      { role: 'model' as const, parts: [{ functionCall: { name: 'login', args: callArgs } }] },
      {
        role: 'user' as const,
        parts: [{ functionResponse: { name: 'login', response: { result: 'ok' } } }],
      },
      { role: 'model' as const, parts: [{ text: 'Logged in.' }] },
      { role: 'user' as const, parts: [{ text: 'Again' }] },
    ];
    const result = await agent.run(history);
    expect(result.text).toBe('Done.');
    expect(spy.seen()).toContain('[redacted]');
    expect(spy.seen()).not.toContain(PASSWORD);
    expect(spy.seen()).not.toContain(PIN);
    expect(JSON.stringify(result.contents)).toContain(PASSWORD);
  });

  it("a tool error thrown with toolErrors: 'throw' carries them redacted", async () => {
    const { gemini } = await setup();
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [
        loginTool(() => {
          throw new Error('directory unavailable');
        }),
      ],
      toolErrors: 'throw',
    });
    const error = await agent.run('Log me in').catch((caught: unknown) => caught);
    expect(ToolExecutionError.isInstance(error)).toBe(true);
    const thrown = error as ToolExecutionError;
    expect(thrown.args).toEqual({
      user: 'ada',
      password: '[redacted]',
      accounts: [{ id: 1, pin: '[redacted]' }],
    });
    expect(JSON.stringify(thrown)).not.toContain(PASSWORD);
    // The history in error.run keeps the model's call as it came, to resume from.
    expect(JSON.stringify(thrown.run.contents)).toContain(PASSWORD);
  });
});
