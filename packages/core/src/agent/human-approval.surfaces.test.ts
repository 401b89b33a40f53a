import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { validateHistory } from '../history/validate-history.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { BeforeToolCallHook } from './config/agent-options.ts';
import { createAgent } from './create-agent.ts';

// Issue 53 (letters45): human approval (`beforeToolCall`: approve, deny, modify) on the surfaces
// the README's feature row did not name: a chat session's send and sendStream, the OpenTelemetry
// spans, the recorder. One model turn asks for two deletions; the hook denies the one outside
// tmp/ and rewrites the other's path; the denied file is never touched, the model is told why.

const KEY = 'secret-approval-key-0123456789';
const DENIAL = 'Only files in tmp/ may be deleted, not etc/passwd.';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function deleter() {
  const deleted: string[] = [];
  const tool = defineTool({
    name: 'delete_file',
    description: 'Deletes a file.',
    parameters: z.object({ path: z.string() }),
    execute: ({ path }) => {
      deleted.push(path);
      return { deleted: path };
    },
  });
  return { deleted, tool };
}

/** Denies a path outside tmp/, lower-cases a path inside it (a `modify`), approves the rest. */
const approval: BeforeToolCallHook = ({ args }) => {
  const { path } = args as { path: string };
  if (!path.startsWith('tmp/'))
    return { type: 'deny', message: `Only files in tmp/ may be deleted, not ${path}.` };
  if (path !== path.toLowerCase()) return { type: 'modify', args: { path: path.toLowerCase() } };
  return { type: 'approve' };
};

const script = () => [
  turn.calls([
    { name: 'delete_file', args: { path: 'etc/passwd' } },
    { name: 'delete_file', args: { path: 'tmp/OLD.log' } },
  ]),
  turn.text('Deleted tmp/old.log; etc/passwd was refused.'),
];

function serve() {
  const fake = createFakeGemini({ script: script() });
  fakes.push(fake);
  return { fake, gemini: createGemini({ fetch: fake.fetch, apiKey: KEY, retry: false }) };
}

/** The function responses the fake was sent in its second request, by the call's name and path. */
function answersSent(fake: FakeGemini): unknown[] {
  const request = fake.modelRequests[1];
  if (request === undefined) throw new Error('the fake received no second request');
  const { contents } = request.body as { contents: { parts?: Record<string, unknown>[] }[] };
  return contents.flatMap((content) =>
    (content.parts ?? []).flatMap((part) =>
      part['functionResponse'] === undefined ? [] : [part['functionResponse']],
    ),
  );
}

describe('human approval in a chat session', () => {
  it.each(['send', 'sendStream'] as const)(
    'deny and modify hold in %s: the denied call never runs, the model reads why, the history stays valid',
    async (mode) => {
      const { fake, gemini } = serve();
      const { deleted, tool } = deleter();
      const session = createChatSession({
        agent: createAgent({
          gemini,
          model: 'gemini-2.5-flash',
          tools: [tool],
          beforeToolCall: approval,
          telemetry: false,
        }),
      });
      const events: { type: string; outcome?: string }[] = [];
      let result: Awaited<ReturnType<typeof session.send>>;
      if (mode === 'send') result = await session.send('Clean up.');
      else {
        const stream = session.sendStream('Clean up.');
        for await (const event of stream) events.push(event as { type: string });
        result = await stream.result;
      }
      expect(deleted).toEqual(['tmp/old.log']);
      const calls = result.steps.flatMap((step) => step.toolCalls);
      expect(calls).toMatchObject([
        { rawArgs: { path: 'etc/passwd' }, outcome: 'denied', error: DENIAL },
        {
          rawArgs: { path: 'tmp/OLD.log' },
          args: { path: 'tmp/old.log' },
          outcome: 'success',
          output: { deleted: 'tmp/old.log' },
        },
      ]);
      if (mode === 'sendStream') {
        expect(events.filter((event) => event.type === 'tool-error')).toMatchObject([
          { outcome: 'denied' },
        ]);
      }
      const [denied, modified] = answersSent(fake) as { response: unknown }[];
      expect(JSON.stringify(denied?.response)).toContain(DENIAL);
      expect(modified?.response).toEqual({ deleted: 'tmp/old.log' });
      // The stored turn answers both calls: the next send runs on it.
      expect(validateHistory(await session.history())).toEqual([]);
      await session.close();
    },
  );
});

describe('human approval in the spans and the recorder', () => {
  it.each([false, true])(
    'the denied call span says denied and why; the run span is no error (streaming %s)',
    async (streaming) => {
      const { gemini } = serve();
      const { tool } = deleter();
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [tool],
        beforeToolCall: approval,
        telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
      });
      if (streaming) {
        for await (const _event of agent.stream('Clean up.')) {
          // drained
        }
      } else await agent.run('Clean up.');
      const spans = exporter.getFinishedSpans();
      const calls = spans.filter((span) => span.name === 'execute_tool delete_file');
      expect(calls).toHaveLength(2);
      const byArgs = (text: string) =>
        calls.find((span) =>
          String(span.attributes['gen_ai.tool.call.arguments']).includes(text),
        ) as ReadableSpan;
      const refused = byArgs('passwd');
      const ran = byArgs('OLD.log');
      expect(refused.attributes['error.type']).toBe('denied');
      expect(refused.status).toMatchObject({ code: SpanStatusCode.ERROR, message: DENIAL });
      expect(ran.status.code).not.toBe(SpanStatusCode.ERROR);
      // The span keeps the model's arguments and the result of the call as modified.
      expect(ran.attributes['gen_ai.tool.call.arguments']).toBe('{"path":"tmp/OLD.log"}');
      expect(ran.attributes['gen_ai.tool.call.result']).toBe('{"deleted":"tmp/old.log"}');
      const run = spans.find((span) => span.name.startsWith('invoke_agent'));
      expect(run?.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(KEY);
    },
  );

  it.each([false, true])(
    'the recording holds the denial and the modified call (streaming %s)',
    async (streaming) => {
      const { gemini } = serve();
      const { tool } = deleter();
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-approval-'));
      dirs.push(dir);
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [tool],
        beforeToolCall: approval,
        recorder,
        telemetry: false,
      });
      if (streaming) {
        for await (const _event of agent.stream('Clean up.')) {
          // drained
        }
      } else await agent.run('Clean up.');
      await recorder.flush();
      const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
      const text = await readFile(join(dir, name as string), 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine);
      // By outcome: the two calls run in parallel, and each call's end is written when it ends
      // (the denial's and the run call's in either order).
      const ends = lines.filter((line) => line.type === 'tool-call-end');
      expect(ends).toHaveLength(2);
      const endOf = (outcome: string) => ends.find((line) => line.outcome === outcome);
      expect(endOf('denied')).toMatchObject({ toolName: 'delete_file', error: DENIAL });
      expect(endOf('success')).toMatchObject({
        toolName: 'delete_file',
        output: { deleted: 'tmp/old.log' },
      });
      expect(lines.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success' });
      expect(text).not.toContain(KEY);
    },
  );
});
