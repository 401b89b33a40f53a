import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeFaultRule, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { costOf } from '../pricing/cost-of.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { modelFallback } from './model-fallback.ts';

// Acceptance test: the fake Gemini on 127.0.0.1 issues thought signatures bound to the model that
// made them and refuses one sent to another model with `400 Invalid thought signature`, as the API
// does (signatureValidation 'issued', its default). A run that falls back mid-loop only completes
// if what it sends the second model follows Google's rule for another model's history.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function serve(faults: FakeFaultRule[], script = loopScript()) {
  const fake = createFakeGemini({ script, faults, seed: 7 });
  fakes.push(fake);
  const { url } = await fake.listen();
  // No client retries: a 503 reaches the run at once (the plugin acts after the client's retries).
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

/** A 503 for every call to the primary model from its `from`-th call on (0-based). */
function overloadedFrom(from: number): FakeFaultRule {
  return {
    fault: { type: 'overloaded' },
    on: ({ model, callIndex }) => model === PRIMARY && callIndex >= from,
  };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

const loopScript = () => [
  turn.call('lookup', { city: 'Paris' }),
  turn.call('lookup', { city: 'Oslo' }),
  turn.call('lookup', { city: 'Rome' }),
  turn.text('Paris, Oslo and Rome are all at 21 °C.'),
];

type Mode = 'run' | 'stream';

async function runIn(
  mode: Mode,
  agent: ReturnType<typeof createAgent>,
  input: string,
): Promise<{ result: AgentResult<unknown>; events: AgentEvent[] }> {
  if (mode === 'run') return { result: await agent.run(input), events: [] };
  const stream = agent.stream(input);
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { result: await stream.result, events };
}

describe.each<Mode>(['run', 'stream'])('modelFallback (%s)', (mode) => {
  it('sends the step the first model answered 503 to the next one, and the run completes there with a history it accepts', async () => {
    const { fake, gemini } = await serve([overloadedFrom(2)]);
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND] })],
    });
    const { result, events } = await runIn(mode, agent, 'Weather in Paris, Oslo, Rome?');

    expect(result.text).toBe('Paris, Oslo and Rome are all at 21 °C.');
    expect(result.steps.map((step) => step.model)).toEqual([undefined, undefined, SECOND, SECOND]);
    // The failed call, then the same step on the second model; the run stays there.
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
    ]);
    // The history keeps every turn verbatim: the primary's signatures are still on its turns.
    const firstCall = result.contents[1]?.parts[0];
    expect(firstCall?.functionCall?.name).toBe('lookup');
    expect(firstCall?.thoughtSignature).toMatch(/^E/);
    // What the second model got: the primary's turns with the documented dummy, its own signed.
    const sent =
      (fake.modelRequests[4]?.body as { contents?: Content[] } | undefined)?.contents ?? [];
    expect(sent[1]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
    expect(sent[3]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
    expect(sent[5]?.parts[0]?.thoughtSignature).toBe(
      result.contents[5]?.parts[0]?.thoughtSignature,
    );

    // Each step priced at the model that served it.
    for (const step of result.steps) {
      const model = step.model ?? PRIMARY;
      expect(step.cost).toEqual(costOf(step.response.usageMetadata ?? {}, model, undefined));
    }
    expect(result.steps[3]?.cost).not.toEqual(
      costOf(result.steps[3]?.response.usageMetadata ?? {}, PRIMARY, undefined),
    );
    if (mode === 'stream') {
      expect(events.filter((event) => event.type === 'plugin')).toEqual([
        expect.objectContaining({
          type: 'plugin',
          plugin: 'model-fallback',
          kind: 'fallback',
          stepNumber: 3,
          data: { from: PRIMARY, to: SECOND, reason: 'overloaded', detail: '503' },
        }),
      ]);
      // One step-start a step: the step sent again to the second model is the same step (the
      // `fallback` event says it was sent again), not a new one.
      expect(
        events
          .filter((event) => event.type === 'step-start' || event.type === 'plugin')
          .map((event) => `${event.type} ${event.stepNumber}`),
      ).toEqual(['step-start 1', 'step-start 2', 'step-start 3', 'plugin 3', 'step-start 4']);
    }
  });

  it('is what the fake enforces, and the seam keeps: a bare switch of model is signed for the second model', async () => {
    const { fake, gemini } = await serve([overloadedFrom(2)]);
    // Switches model on a 503 and leaves the history to the seam (a third party's fallback): the
    // fake refuses PRIMARY's signatures sent to SECOND (400 Invalid thought signature), so the run
    // completes only when the seam signs the history for SECOND.
    const naive = definePlugin({
      name: 'naive-fallback',
      async wrapModelCall(call, next) {
        try {
          return await next(call);
        } catch {
          return next({ ...call, model: SECOND });
        }
      },
    });
    const agent = createAgent({ gemini, model: PRIMARY, tools: [lookup], plugins: [naive] });
    const { result } = await runIn(mode, agent, 'Weather in Paris, Oslo, Rome?');
    expect(result.text).toBe('Paris, Oslo and Rome are all at 21 °C.');
    expect(fake.modelRequests.at(-1)?.model).toBe(SECOND);
  });

  it('returns to the first model after the cool-down', async () => {
    let clock = 0;
    const { fake, gemini } = await serve([
      {
        fault: { type: 'overloaded' },
        on: ({ model, callIndex }) => model === PRIMARY && callIndex === 1,
      },
    ]);
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [
        definePlugin({
          name: 'clock',
          afterModelCall: () => {
            clock += 1000;
          },
        }),
        modelFallback({ models: [SECOND], coolDownMs: 1500, now: () => clock }),
      ],
    });
    const { result, events } = await runIn(mode, agent, 'Weather in Paris, Oslo, Rome?');
    expect(result.steps.map((step) => step.model)).toEqual([undefined, SECOND, SECOND, undefined]);
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
      PRIMARY,
    ]);
    if (mode === 'stream') {
      expect(
        events.flatMap((event) =>
          event.type === 'plugin' ? [[event.kind, event.stepNumber]] : [],
        ),
      ).toEqual([
        ['fallback', 2],
        ['return', 4],
      ]);
    }
  });

  it('falls back in a subagent, and the parent prices the child at the model that served it', async () => {
    const { fake, gemini } = await serve(
      [overloadedFrom(2)],
      [
        turn.call('researcher', { task: 'Weather in Paris and Oslo?' }),
        turn.call('lookup', { city: 'Paris' }),
        turn.call('lookup', { city: 'Oslo' }),
        turn.text('Both 21 °C.'),
        turn.text('The researcher says both are 21 °C.'),
      ],
    );
    const child = createAgent({ gemini, model: PRIMARY, tools: [lookup], name: 'researcher' });
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [subagent(child, { name: 'researcher', description: 'Researches.' })],
      plugins: [modelFallback({ models: [SECOND] })],
    });
    const { result } = await runIn(mode, agent, 'Weather?');
    expect(result.text).toBe('The researcher says both are 21 °C.');
    // The child fell back at its second step; the parent's next step is its own (on the second
    // model too: the fault hits every later call to the primary).
    expect(fake.modelRequests.map((request) => request.model)).toEqual([
      PRIMARY,
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
      PRIMARY,
      SECOND,
    ]);
    expect(result.steps.map((step) => step.model)).toEqual([undefined, SECOND]);
  });
});

describe('modelFallback in spans', () => {
  it('shows the failed call on the first model and the step sent again on the second', async () => {
    const { gemini } = await serve([overloadedFrom(2)]);
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND] })],
      telemetry: { tracerProvider },
    });
    await agent.run('Weather in Paris, Oslo, Rome?');
    const calls = exporter
      .getFinishedSpans()
      .filter((span) => span.attributes['gen_ai.operation.name'] === 'generate_content')
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(calls.map((span) => span.attributes['gen_ai.request.model'])).toEqual([
      PRIMARY,
      PRIMARY,
      PRIMARY,
      SECOND,
      SECOND,
    ]);
    expect(calls[2]?.status.code).toBe(2); // ERROR: the 503
    expect(calls[3]?.status.code).not.toBe(2);
  });
});

describe('modelFallback in a recording', () => {
  it('records the failed call on the first model, then the step sent again on the second, and the run on both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fallback-runs-'));
    try {
      const { gemini } = await serve([overloadedFrom(2)]);
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini,
        model: PRIMARY,
        tools: [lookup],
        plugins: [modelFallback({ models: [SECOND] })],
        recorder,
      });
      const result = await agent.run('Weather in Paris, Oslo, Rome?');
      await recorder.flush();
      const [file] = await readdir(dir);
      const lines = (await readFile(join(dir, file as string), 'utf8'))
        .trim()
        .split('\n')
        .map(
          (line) =>
            JSON.parse(line) as {
              type: string;
              stepNumber?: number;
              request?: { model?: string };
              error?: unknown;
            },
        );
      const calls = lines.filter((line) => line.type === 'model-call-start');
      expect(calls.map((line) => [line.stepNumber, line.request?.model])).toEqual([
        [1, PRIMARY],
        [2, PRIMARY],
        [3, PRIMARY],
        [3, SECOND],
        [4, SECOND],
      ]);
      const end = lines.find((line) => line.type === 'run-end') as { cost?: { total: string } };
      expect(end.cost?.total).toBe(result.cost.total);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('modelFallback in a chat', () => {
  it('goes on to the next turn from a history the fallback left (streamed and unary turns)', async () => {
    const { fake, gemini } = await serve(
      [
        {
          fault: { type: 'overloaded' },
          on: ({ model, callIndex }) => model === PRIMARY && callIndex === 1,
        },
      ],
      [
        turn.call('lookup', { city: 'Paris' }),
        turn.text('21 °C in Paris.'),
        turn.call('lookup', { city: 'Oslo' }),
        turn.text('21 °C in Oslo too.'),
      ],
    );
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND] })],
    });
    const chat = createChatSession({ agent });
    try {
      const first = await chat.send('Paris?');
      expect(first.steps.map((step) => step.model)).toEqual([undefined, SECOND]);
      // The next turn starts on the primary again, with the second model's answer in its history.
      const stream = chat.sendStream('And Oslo?');
      for await (const _ of stream) {
        // drain
      }
      const second = await stream.result;
      expect(second.text).toBe('21 °C in Oslo too.');
      expect(second.steps.map((step) => step.model)).toEqual([undefined, undefined]);
      expect(fake.modelRequests.map((request) => request.model)).toEqual([
        PRIMARY,
        PRIMARY,
        SECOND,
        PRIMARY,
        PRIMARY,
      ]);
      // The stored turns say who wrote them: two models wrote the first (no one producer: the
      // next sends leave its signatures out), the agent's model the second.
      expect((await chat.turns()).map((stored) => stored.model)).toEqual(['unknown', PRIMARY]);
    } finally {
      await chat.close();
    }
  });
});

describe('modelFallback options and errors', () => {
  it('ends the run as before on a failure another model would not fix, and on the last model', async () => {
    const { fake, gemini } = await serve([
      {
        fault: {
          type: 'http-error',
          error: {
            status: 400,
            body: { error: { code: 400, message: 'Bad.', status: 'INVALID_ARGUMENT' } },
          },
        },
        on: 0,
      },
    ]);
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      tools: [lookup],
      plugins: [modelFallback({ models: [SECOND] })],
    });
    await expect(agent.run('Paris?')).rejects.toSatisfy(ModelCallError.isInstance);
    expect(fake.modelRequests).toHaveLength(1);

    const both = await serve([{ fault: { type: 'overloaded' } }]);
    const failing = createAgent({
      gemini: both.gemini,
      model: PRIMARY,
      plugins: [modelFallback({ models: [SECOND] })],
    });
    await expect(failing.run('Paris?')).rejects.toSatisfy(ModelCallError.isInstance);
    expect(both.fake.modelRequests.map((request) => request.model)).toEqual([PRIMARY, SECOND]);
  });

  it('falls back on a refusal the options list', async () => {
    const { fake, gemini } = await serve(
      [{ fault: { type: 'safety' }, on: ({ model }) => model === PRIMARY }],
      [turn.text('Here is the answer.')],
    );
    const agent = createAgent({
      gemini,
      model: PRIMARY,
      plugins: [modelFallback({ models: [SECOND], refusals: ['SAFETY'] })],
    });
    const result = await agent.run('Tell me.');
    expect(result.text).toBe('Here is the answer.');
    expect(result.steps.map((step) => step.model)).toEqual([SECOND]);
    expect(fake.modelRequests.map((request) => request.model)).toEqual([PRIMARY, SECOND]);
  });

  it('refuses wrong options with a typed error naming the option', () => {
    const cases: [unknown, string][] = [
      [{ models: [] }, 'modelFallback.models'],
      [{ models: ['a', 'models/a'] }, 'modelFallback.models[1]'],
      [{ models: [SECOND], on: ['503'] }, 'modelFallback.on'],
      [{ models: [SECOND], coolDownMs: -1 }, 'modelFallback.coolDownMs'],
      [{ models: [SECOND], refusals: 'SAFETY' }, 'modelFallback.refusals'],
      // Junk a list read from configuration may hold: refused when the plugin is made, not when
      // the agent's model fails and the run needs the next one.
      [{ models: [10n] }, 'modelFallback.models[0]'],
      [{ models: [SECOND, '../../files'] }, 'modelFallback.models[1]'],
      [{ models: ['gemini-2.5-pro?key=x'] }, 'modelFallback.models[0]'],
      [{ models: [`${'x'.repeat(5_000_000)} `] }, 'modelFallback.models[0]'],
    ];
    for (const [options, argument] of cases) {
      const error = (() => {
        try {
          modelFallback(options as never);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(InvalidArgumentError.isInstance(error), argument).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
      expect((error as Error).message.length, argument).toBeLessThan(1000);
    }
  });
});
