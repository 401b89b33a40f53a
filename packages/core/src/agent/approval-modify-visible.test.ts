import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import type { AgentEvent } from '../run/agent-event.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';

// leftovers56 (issue 53): an approval's `modify` ran the tool with other arguments, but the
// `tool-call` event, the `execute_tool` span and the recording's `tool-call-start` keep the
// model's (they are made before the decision), and nothing said the call ran otherwise. The
// call's record says `modified: true` with the arguments that ran, and every surface that shows
// the record shows them, redacted as arguments are everywhere (the secret never leaves).

const SECRET = 'hunter2-token-0123456789';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function setup() {
  const fake = createFakeGemini({
    script: [
      turn.calls([{ name: 'send_mail', args: { to: 'ALL@corp.example', token: SECRET } }]),
      turn.text('Sent.'),
    ],
  });
  fakes.push(fake);
  const ran: unknown[] = [];
  const tool = defineTool({
    name: 'send_mail',
    description: 'Sends a mail.',
    parameters: z.object({ to: z.string(), token: z.string() }),
    secretArguments: ['token'],
    execute: (args) => {
      ran.push(args);
      return { sent: true };
    },
  });
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'key-0123456789', retry: false });
  return { gemini, tool, ran };
}

const modify = ({ args }: { args: unknown }) => ({
  type: 'modify' as const,
  args: { ...(args as object), to: 'me@corp.example' },
});

async function drive(
  run: {
    run: (input: string) => Promise<unknown>;
    stream: (input: string) => AsyncIterable<AgentEvent<unknown>> & { result: Promise<unknown> };
  },
  streamed: boolean,
): Promise<{ events: AgentEvent<unknown>[]; result: unknown }> {
  const events: AgentEvent<unknown>[] = [];
  if (!streamed) return { events, result: await run.run('Mail everyone.') };
  const stream = run.stream('Mail everyone.');
  for await (const event of stream) events.push(event);
  return { events, result: await stream.result };
}

describe("an approval's modify is visible where the call is shown", () => {
  it.each([false, true])('result, event, span and recording (streamed %s)', async (streamed) => {
    const { gemini, tool, ran } = setup();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-modify-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [tool],
      beforeToolCall: modify,
      recorder,
      telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
    });
    const { events, result } = await drive(agent, streamed);
    expect(ran).toEqual([{ to: 'me@corp.example', token: SECRET }]);
    const [call] = (result as { steps: { toolCalls: unknown[] }[] }).steps.flatMap(
      (step) => step.toolCalls,
    );
    expect(call).toMatchObject({
      modified: true,
      rawArgs: { to: 'ALL@corp.example' },
      args: { to: 'me@corp.example' },
    });
    if (streamed) {
      const shown = events.find((event) => event.type === 'tool-result');
      expect(shown).toMatchObject({
        toolCall: { modified: true, args: { to: 'me@corp.example' } },
      });
    }
    const span = exporter.getFinishedSpans().find((item) => item.name === 'execute_tool send_mail');
    expect(span?.attributes['gemloop.tool.call.modified']).toBe(true);
    expect(span?.attributes['gen_ai.tool.call.arguments']).toContain('ALL@corp.example');
    expect(JSON.parse(String(span?.attributes['gemloop.tool.call.modified_arguments']))).toEqual({
      to: 'me@corp.example',
      token: '[redacted]',
    });
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
    const text = await readFile(join(dir, name as string), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    expect(lines.find((line) => line.type === 'tool-call-end')).toMatchObject({
      modifiedArgs: { to: 'me@corp.example', token: '[redacted]' },
    });
    expect(text).not.toContain(SECRET);
    expect(
      JSON.stringify(exporter.getFinishedSpans().map((item) => item.attributes)),
    ).not.toContain(SECRET);
  });

  it.each(['send', 'sendStream'] as const)('in a chat session (%s)', async (mode) => {
    const { gemini, tool } = setup();
    const session = createChatSession({
      agent: createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [tool],
        beforeToolCall: modify,
        telemetry: false,
      }),
    });
    const events: AgentEvent<unknown>[] = [];
    let result: Awaited<ReturnType<typeof session.send>>;
    if (mode === 'send') result = await session.send('Mail everyone.');
    else {
      const stream = session.sendStream('Mail everyone.');
      for await (const event of stream) events.push(event as AgentEvent<unknown>);
      result = await stream.result;
    }
    expect(result.steps.flatMap((step) => step.toolCalls)).toMatchObject([
      { modified: true, args: { to: 'me@corp.example' } },
    ]);
    if (mode === 'sendStream') {
      expect(events.find((event) => event.type === 'tool-result')).toMatchObject({
        toolCall: { modified: true },
      });
    }
    await session.close();
  });

  it('an approved call is not marked', async () => {
    const { gemini, tool } = setup();
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [tool],
      beforeToolCall: () => ({ type: 'approve' }),
      telemetry: false,
    });
    const result = await agent.run('Mail everyone.');
    expect(result.steps[0]?.toolCalls[0]).not.toHaveProperty('modified');
  });
});
