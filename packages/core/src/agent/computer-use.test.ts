import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createChatSession } from '../chat/create-chat-session.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import {
  type ComputerUseAction,
  type ComputerUseObservation,
  computerUse,
} from '../tools/builtin/computer-use.ts';
import type { SafetyDecision } from '../tools/builtin/safety-decision.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { FunctionResponse } from '../wire/content.ts';
import type { AgentEvent } from './agent-event.ts';
import type { BeforeToolCallContext, BeforeToolCallDecision } from './config/agent-options.ts';
import { createAgent } from './create-agent.ts';

// Computer use through the agent against the fake: the API declares the actions, the agent runs
// them with the executor and answers with the URL and a screenshot (a multimodal function
// response); a `require_confirmation` safety decision goes through beforeToolCall, and a
// confirmed action's response carries `safety_acknowledgement: "true"`
// (ai.google.dev/gemini-api/docs/computer-use).

const model = 'gemini-3-flash-preview';
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const confirm = {
  decision: 'require_confirmation',
  explanation: 'The model is about to accept a cookie banner.',
};

function executor() {
  const actions: ComputerUseAction[] = [];
  const execute = (action: ComputerUseAction): ComputerUseObservation => {
    actions.push(action);
    return {
      url: 'http://127.0.0.1/page',
      screenshot: { mimeType: 'image/png', data: PNG },
    };
  };
  return { actions, execute };
}

function setup(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  return { fake, gemini };
}

/** The functionResponse the agent sent for the first call, from the fake's second request. */
function sentResponse(fake: ReturnType<typeof createFakeGemini>): FunctionResponse {
  const body = fake.requests[1]?.body as { contents: { parts: Record<string, unknown>[] }[] };
  const last = body.contents[body.contents.length - 1];
  return last?.parts[0]?.['functionResponse'] as FunctionResponse;
}

describe('computerUse() in the agent', () => {
  it.each([false, true])(
    'sends the tool undeclared, runs the action and answers with the URL and a screenshot (streamed: %s)',
    async (streamed) => {
      const { fake, gemini } = setup([
        turn.call('click_at', { x: 500, y: 240 }),
        turn.text('Clicked.'),
      ]);
      const { actions, execute } = executor();
      const agent = createAgent({ gemini, model, tools: [computerUse({ execute })] });
      const result = streamed
        ? await agent.stream('Click the button.').result
        : await agent.run('Click the button.');
      expect(result.text).toBe('Clicked.');
      expect(actions).toEqual([
        { name: 'click_at', args: { x: 500, y: 240 }, safetyDecision: undefined },
      ]);
      const first = fake.requests[0]?.body as Record<string, unknown>;
      expect(first['tools']).toEqual([{ computerUse: { environment: 'ENVIRONMENT_BROWSER' } }]);
      expect(first['toolConfig']).toBeUndefined();
      const response = sentResponse(fake);
      expect(response.name).toBe('click_at');
      expect(response.response).toEqual({ url: 'http://127.0.0.1/page' });
      expect(response.parts).toEqual([
        { inlineData: { mimeType: 'image/png', data: Buffer.from(PNG).toString('base64') } },
      ]);
    },
  );

  it('declares only the function tools beside it, and never the actions', async () => {
    const { fake, gemini } = setup([turn.text('Nothing to do.')]);
    const note = defineTool({
      name: 'note',
      parameters: z.object({ text: z.string() }),
      execute: () => 'ok',
    });
    const agent = createAgent({
      gemini,
      model,
      tools: [
        computerUse({
          execute: executor().execute,
          excludedPredefinedFunctions: ['drag_and_drop'],
        }),
        note,
      ],
    });
    await agent.run('Hi');
    const body = fake.requests[0]?.body as { tools: Record<string, unknown>[] };
    expect(body.tools).toEqual([
      {
        computerUse: {
          environment: 'ENVIRONMENT_BROWSER',
          excludedPredefinedFunctions: ['drag_and_drop'],
        },
      },
      { functionDeclarations: [expect.objectContaining({ name: 'note' })] },
    ]);
  });

  it('does not run a require_confirmation action without a beforeToolCall hook, and tells the model', async () => {
    const { fake, gemini } = setup([
      turn.call('click_at', { x: 1, y: 2, safety_decision: confirm }),
      turn.text('Stopped.'),
    ]);
    const { actions, execute } = executor();
    const agent = createAgent({ gemini, model, tools: [computerUse({ execute })] });
    const result = await agent.run('Accept the cookies.');
    expect(actions).toEqual([]);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    const response = sentResponse(fake);
    expect(String(response.response['error'])).toContain('needs the user');
    expect(response.response['safety_acknowledgement']).toBeUndefined();
  });

  it.each<[string, BeforeToolCallDecision, boolean]>([
    ['nothing (no explicit approval)', undefined, false],
    ['deny', { type: 'deny', message: 'The user said no.' }, false],
    ['approve', { type: 'approve' }, true],
  ])(
    'a require_confirmation action goes through beforeToolCall: %s',
    async (_name, decision, runs) => {
      const { fake, gemini } = setup([
        turn.call('click_at', { x: 1, y: 2, safety_decision: confirm }),
        turn.text('Done.'),
      ]);
      const { actions, execute } = executor();
      const seen: (SafetyDecision | undefined)[] = [];
      const agent = createAgent({
        gemini,
        model,
        tools: [computerUse({ execute })],
        beforeToolCall: (context: BeforeToolCallContext) => {
          seen.push(context.safetyDecision);
          return decision;
        },
      });
      const result = await agent.run('Accept the cookies.');
      expect(seen).toEqual([confirm]);
      const response = sentResponse(fake);
      if (runs) {
        expect(actions).toEqual([
          { name: 'click_at', args: { x: 1, y: 2 }, safetyDecision: confirm },
        ]);
        expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('success');
        // Google's documented acknowledgement, beside what the executor returned.
        expect(response.response).toEqual({
          url: 'http://127.0.0.1/page',
          safety_acknowledgement: 'true',
        });
      } else {
        expect(actions).toEqual([]);
        expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
        expect(response.response['safety_acknowledgement']).toBeUndefined();
      }
    },
  );

  // Issue 53 (letters45): the README's row named S D T R. In a chat session a confirmed action
  // runs once, the stored turn keeps the screenshot and the acknowledgement, and the next send
  // goes on from it; an unconfirmed one is denied there too.
  it.each(['send', 'sendStream'] as const)(
    "a chat session's %s: the confirmed action runs, the stored turn keeps its screenshot",
    async (mode) => {
      const { fake, gemini } = setup([
        turn.call('click_at', { x: 1, y: 2, safety_decision: confirm }),
        turn.text('Accepted.'),
        turn.call('click_at', { x: 3, y: 4, safety_decision: confirm }),
        turn.text('Not clicked.'),
      ]);
      const { actions, execute } = executor();
      const session = createChatSession({
        agent: createAgent({
          gemini,
          model,
          tools: [computerUse({ execute })],
          beforeToolCall: ({ args }) =>
            (args as { x: number }).x === 1
              ? { type: 'approve' }
              : { type: 'deny', message: 'The user said no.' },
        }),
      });
      const say = async (message: string) => {
        if (mode === 'send') return session.send(message);
        const stream = session.sendStream(message);
        for await (const _event of stream) {
          // drained
        }
        return stream.result;
      };
      expect((await say('Accept the cookies.')).text).toBe('Accepted.');
      const second = await say('Click again.');
      expect(second.text).toBe('Not clicked.');
      expect(second.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
      expect(actions).toEqual([
        { name: 'click_at', args: { x: 1, y: 2 }, safetyDecision: confirm },
      ]);
      const history = await session.history();
      expect(validateHistory(history)).toEqual([]);
      const answered = history[2]?.parts[0]?.functionResponse;
      expect(answered?.response).toEqual({
        url: 'http://127.0.0.1/page',
        safety_acknowledgement: 'true',
      });
      expect(answered?.parts).toEqual([
        { inlineData: { mimeType: 'image/png', data: Buffer.from(PNG).toString('base64') } },
      ]);
      // The second send went out with the first turn as stored, screenshot included.
      const sent = fake.modelRequests[2]?.body as { contents: unknown[] };
      expect(sent.contents.slice(0, 4)).toEqual(history.slice(0, 4));
      await session.close();
    },
  );

  it('leaves ordinary calls as they were: a hook that returns nothing approves them, no acknowledgement', async () => {
    const { fake, gemini } = setup([
      turn.call('navigate', { url: 'http://127.0.0.1/' }),
      turn.text('Done.'),
    ]);
    const { actions, execute } = executor();
    const agent = createAgent({
      gemini,
      model,
      tools: [computerUse({ execute })],
      beforeToolCall: () => undefined,
    });
    await agent.run('Go.');
    expect(actions).toHaveLength(1);
    expect(sentResponse(fake).response).toEqual({ url: 'http://127.0.0.1/page' });
  });

  it('refuses computerUse() on a model without it, naming the capability to set', async () => {
    const { gemini } = setup([turn.text('never')]);
    const tools = [computerUse({ execute: executor().execute })];
    const refused = (() => {
      try {
        createAgent({ gemini, model: 'gemini-2.5-flash', tools });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const viaRun =
      refused ??
      (await createAgent({ gemini, model: 'gemini-2.5-flash', tools })
        .run('x')
        .catch((error: unknown) => error));
    expect(viaRun).toBeInstanceOf(InvalidArgumentError);
    expect((viaRun as Error).message).toContain('capabilities: { computerUse: true }');
    // Vouched for: sent.
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools,
      capabilities: { computerUse: true },
    });
    await expect(agent.run('x')).resolves.toMatchObject({ text: 'never' });
  });

  it('refuses a function tool named like an action it handles', async () => {
    const { gemini } = setup([turn.text('never')]);
    const clash = defineTool({ name: 'click_at', parameters: z.object({}), execute: () => 'x' });
    const run = async () =>
      createAgent({
        gemini,
        model,
        tools: [computerUse({ execute: executor().execute }), clash],
      }).run('x');
    await expect(run()).rejects.toThrow('an action of the computerUse built-in tool');
  });

  it('shows in the event stream, the spans and the run file: the action, its safety decision, the acknowledgement', async () => {
    const { gemini } = setup([
      turn.call('click_at', { x: 1, y: 2, safety_decision: confirm }),
      turn.text('Done.'),
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-computer-use-'));
    try {
      const recorder = createRunRecorder({ dir });
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const agent = createAgent({
        gemini,
        model,
        tools: [computerUse({ execute: executor().execute })],
        beforeToolCall: () => ({ type: 'approve' }),
        recorder,
        telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
      });
      const events: AgentEvent<string>[] = [];
      const stream = agent.stream('Accept the cookies.');
      for await (const event of stream) events.push(event);
      await stream.result;
      const call = events.find((event) => event.type === 'tool-call');
      expect(call).toMatchObject({ toolName: 'click_at', args: { safety_decision: confirm } });
      const result = events.find((event) => event.type === 'tool-result');
      expect(JSON.stringify(result)).toContain('"safety_acknowledgement":"true"');
      const spans = exporter.getFinishedSpans();
      expect(spans.some((span) => span.name.includes('click_at'))).toBe(true);
      await recorder.flush();
      const [file] = await readdir(dir);
      const runFile = await readFile(join(dir, file as string), 'utf8');
      expect(runFile).toContain('click_at');
      expect(runFile).toContain('require_confirmation');
      expect(runFile).toContain('safety_acknowledgement');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
