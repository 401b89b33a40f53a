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
import { guardrails } from '../../guardrails/guardrails.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { silentLogger } from '../../logging/logger.ts';
import { createRunRecorder } from '../../recorder/create-run-recorder.ts';
import type { AgentEvent } from '../../run/agent-event.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Part } from '../../wire/content.ts';
import type { GenerateContentBody } from '../../wire/request.ts';
import { createAgent } from '../create-agent.ts';
import { UnknownToolError } from '../errors/unknown-tool-error.ts';

// A model (or a gateway) that calls a tool it was never given, by a name or id of megabytes, or
// a name holding the client's key (toolname41, after attack41 found it for Live). The wire stays
// exact: the model's call goes back verbatim and its functionResponse names it as it came
// (`name` and `id` echo the call's, gemini-wire.md §5.2). What is ours is bounded: the error the
// model gets, the events' and the record's error text, the run file's lines, spans, the thrown
// error's message. Each failed before the fix: the next request was 6 MB for a 2 MB name (the
// message quoted it), the run file 14 MB.

const KEY = 'AIzaSyToolName41-0123456789abcdefghijk';
const MB2 = 2 * 1024 * 1024;
// Far under any of these megabytes; over a bounded message with its note (~300 characters).
const SMALL = 4_000;

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

async function setup(calls: Part[], maxRunBytes?: number) {
  const fake = createFakeGemini({ script: [turn.parts(calls), turn.text('Done.')] });
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-toolname-'));
  directories.push(dir);
  const recorder = createRunRecorder({ dir, maxRunBytes });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    recorder,
    telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
  });
  const readRunFile = async (): Promise<string> => {
    await recorder.flush();
    const [file] = await readdir(dir);
    return readFile(join(dir, file as string), 'utf8');
  };
  const spanText = (): string =>
    JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes]));
  return { fake, agent, readRunFile, spanText };
}

/** Runs the agent unary or streamed, with the stream's events (none for a unary run). */
async function runOnce(
  agent: Awaited<ReturnType<typeof setup>>['agent'],
  mode: 'run' | 'stream',
): Promise<{ events: AgentEvent<string>[]; text: string }> {
  if (mode === 'run') return { events: [], text: (await agent.run('Go')).text };
  const events: AgentEvent<string>[] = [];
  const stream = agent.stream('Go');
  for await (const event of stream) events.push(event);
  return { events, text: (await stream.result).text };
}

/** The functionResponse parts of the run's second request. */
function answersOf(fake: Awaited<ReturnType<typeof setup>>['fake']) {
  const second = fake.requests[1]?.body as GenerateContentBody;
  const answers = (second.contents.at(-1)?.parts ?? []).map((part) => part.functionResponse);
  return { second, answers };
}

/** The error an answer gives the model (`response.error`), as text. */
function errorOf(answer: { response?: unknown } | undefined): string {
  return String((answer?.response as { error?: unknown } | undefined)?.error);
}

/** The error texts of the stream's tool-error events. */
function errorTexts(events: AgentEvent<string>[]): string[] {
  return events.flatMap((event) =>
    event.type === 'tool-error' ? [event.toolCall.error ?? ''] : [],
  );
}

describe.each(['run', 'stream'] as const)('an undeclared tool with a huge name (%s)', (mode) => {
  it('a 2 MB name: the wire echoes it, our texts and the run file are bounded', async () => {
    const name = `x${'n'.repeat(MB2)}`;
    const { fake, agent, readRunFile, spanText } = await setup([
      { functionCall: { name, args: { word: 'a' } } },
    ]);
    const { events, text } = await runOnce(agent, mode);
    expect(text).toBe('Done.');

    const { second, answers } = answersOf(fake);
    // The model's call verbatim, and its answer named as it was called: that is all of the name.
    expect(answers[0]?.name).toBe(name);
    const error = errorOf(answers[0]);
    expect(error).toContain('Unknown function');
    expect(error).toContain('characters omitted');
    expect(error).toContain('lookup');
    expect(error.length).toBeLessThan(SMALL);
    expect(JSON.stringify(second).length).toBeLessThan(2 * name.length + SMALL);

    if (mode === 'stream') {
      expect(errorTexts(events)).toHaveLength(1);
      for (const message of errorTexts(events)) expect(message.length).toBeLessThan(SMALL);
    }
    const runFile = await readRunFile();
    expect(runFile.length).toBeLessThan(64 * 1024);
    expect(runFile).toContain('characters omitted');
    expect(spanText().length).toBeLessThan(64 * 1024);
  });

  it('a 2 MB id: echoed on the wire, cut in the run file', async () => {
    const id = `i${'d'.repeat(MB2)}`;
    const { fake, agent, readRunFile } = await setup([
      { functionCall: { name: 'no_such_tool', id, args: {} } },
    ]);
    await runOnce(agent, mode);
    const { second, answers } = answersOf(fake);
    expect(answers[0]?.id).toBe(id);
    expect(answers[0]?.name).toBe('no_such_tool');
    expect(JSON.stringify(second).length).toBeLessThan(2 * id.length + SMALL);
    expect((await readRunFile()).length).toBeLessThan(64 * 1024);
  });

  it('a name holding the client key: not in the message, events, run file or spans', async () => {
    // The key where a cut at 128 characters goes through it: cut first, its start would stay.
    const name = `${'k'.repeat(110)}${KEY}${'z'.repeat(5000)}`;
    const { fake, agent, readRunFile, spanText } = await setup([
      { functionCall: { name, args: {} } },
    ]);
    const { events } = await runOnce(agent, mode);
    const { answers } = answersOf(fake);
    const error = errorOf(answers[0]);
    expect(error).toContain('Unknown function');
    for (const text of [error, ...errorTexts(events), await readRunFile(), spanText()]) {
      expect(text).not.toContain(KEY.slice(0, 12));
    }
  });
});

describe('a declared tool given huge arguments', () => {
  it('10 MB of arguments that do not fit: the message quoting them stays bounded', async () => {
    const word = 'w'.repeat(10 * 1024 * 1024);
    const { fake, agent, readRunFile } = await setup(
      [{ functionCall: { name: 'lookup', args: { word: 42, [word.slice(0, 1000)]: word } } }],
      100 * 1024 * 1024,
    );
    const { events } = await runOnce(agent, 'stream');
    const { answers } = answersOf(fake);
    const error = errorOf(answers[0]);
    expect(error).toContain('Invalid arguments for lookup');
    expect(error.length).toBeLessThan(SMALL);
    for (const message of errorTexts(events)) expect(message.length).toBeLessThan(SMALL);
    // The whole answer the model gets, issues and all.
    expect(JSON.stringify(answers[0]).length).toBeLessThan(SMALL);
    // The arguments are the model's (the response line holds them, the call's start line too);
    // the call's end line, ours, is small.
    const lines = (await readRunFile()).split('\n');
    const end = lines.find((line) => line.startsWith('{"type":"tool-call-end"'));
    expect(end).toContain('Invalid arguments for lookup');
    expect(end?.length).toBeLessThan(SMALL);
  });
});

describe("toolErrors: 'throw'", () => {
  it('the thrown UnknownToolError quotes a 2 MB name cut', async () => {
    const name = `x${'n'.repeat(MB2)}`;
    const fake = createFakeGemini({
      script: [turn.parts([{ functionCall: { name, args: {} } }])],
    });
    const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [lookup],
      toolErrors: 'throw',
    });
    const error = await agent.run('Go').catch((caught: unknown) => caught);
    expect(UnknownToolError.isInstance(error)).toBe(true);
    expect((error as Error).message.length).toBeLessThan(SMALL);
  });
});

describe('the warning of an onToolError that fails (doors-bounds41)', () => {
  // The model writes the call id; `toolErrorMessageOf` logged it whole when the guardrails'
  // onToolError threw or returned nothing: a 2 MB id was a 2 MB log line, with the key in it when
  // the model wrote one there. The hook itself still gets the call as it came (it is the user's).
  const failing = defineTool({
    name: 'lookup',
    parameters: z.object({}),
    execute: () => {
      throw new Error('the index is down');
    },
  });
  for (const hook of ['throws', 'returns nothing'] as const) {
    it(`a 2 MB id holding the key, the hook ${hook}: the warning is small and keyless`, async () => {
      const id = `${'k'.repeat(110)}${KEY}${'d'.repeat(MB2)}`;
      const fake = createFakeGemini({
        script: [
          turn.parts([{ functionCall: { name: 'lookup', id, args: {} } }]),
          turn.text('Ok.'),
        ],
      });
      const warnings: [Record<string, unknown>, string | undefined][] = [];
      const logger = {
        ...silentLogger,
        isLevelEnabled: () => true,
        warn: (fields: Record<string, unknown>, message?: string) =>
          void warnings.push([fields, message]),
      };
      logger.child = () => logger;
      const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
      const seen: string[] = [];
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [failing],
        logger,
        guardrails: guardrails({
          onToolError: (_error, context) => {
            seen.push(context.toolCallId);
            if (hook === 'throws') throw new Error('rewriter down');
            return '';
          },
        }),
      });
      expect((await agent.run('Go')).text).toBe('Ok.');
      expect(seen).toEqual([id]);
      const warned = warnings.filter(([, message]) => message?.includes('rewriteToolError'));
      expect(warned).toHaveLength(1);
      const line = JSON.stringify(warned);
      expect(line.length).toBeLessThan(SMALL);
      expect(line).not.toContain(KEY.slice(0, 12));
      expect(line).toContain('characters omitted');
      expect(warned[0]?.[0]).toMatchObject({ toolName: 'lookup' });
    });
  }
});

describe('the debug lines of a call (doors-bounds41)', () => {
  it('a 2 MB id holding the key: "tool call started" and "ended" are small and keyless', async () => {
    const id = `${'k'.repeat(110)}${KEY}${'d'.repeat(MB2)}`;
    const fake = createFakeGemini({
      script: [
        turn.parts([{ functionCall: { name: 'lookup', id, args: { word: 'a' } } }]),
        turn.text('Ok.'),
      ],
    });
    const lines: [Record<string, unknown>, string | undefined][] = [];
    const logger = {
      ...silentLogger,
      isLevelEnabled: () => true,
      debug: (fields: Record<string, unknown>, message?: string) =>
        void lines.push([fields, message]),
    };
    logger.child = () => logger;
    const agent = createAgent({
      gemini: createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch }),
      model: 'gemini-2.5-flash',
      tools: [lookup],
      logger,
    });
    expect((await agent.run('Go')).text).toBe('Ok.');
    const calls = lines.filter(([, message]) => message?.startsWith('tool call'));
    expect(calls.map(([, message]) => message)).toEqual(['tool call started', 'tool call ended']);
    const text = JSON.stringify(calls);
    expect(text.length).toBeLessThan(SMALL);
    expect(text).not.toContain(KEY.slice(0, 12));
  });
});
