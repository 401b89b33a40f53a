import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Part } from '../wire/content.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import {
  callsTurn,
  createScriptedGemini,
  modelTurn,
  textTurn,
} from './__fixtures__/scripted-gemini.ts';
import type { AgentEvent, AgentPath, UntaggedAgentEvent } from './agent-event.ts';
import { openAgentStream } from './agent-stream.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';
import { ModelCallError } from './errors/model-call-error.ts';

const echo = defineTool({
  name: 'echo',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

function summarize(event: AgentEvent): string {
  switch (event.type) {
    case 'step-start':
      return `step-start ${event.stepNumber} ${event.kind}`;
    case 'text-delta':
    case 'thought-delta':
      return `${event.type} ${event.text}`;
    case 'tool-call':
      return `tool-call ${event.toolName} ${event.toolCallId}`;
    case 'tool-result':
      return `tool-result ${event.toolCall.toolName} ${JSON.stringify(event.toolCall.output)}`;
    case 'tool-error':
      return `tool-error ${event.outcome}`;
    case 'grounding':
      return `grounding ${event.source}`;
    case 'continuation':
      return `continuation ${event.kind} ${event.hop}`;
    case 'steer':
      return `steer ${event.status} ${event.mode} ${event.stepNumber}`;
    case 'compaction':
      return `compaction ${event.tokensBefore} ${event.tokensAfter}`;
    case 'step-end':
      return `step-end ${event.step.stepNumber}`;
    case 'guardrail':
      return `guardrail ${event.phase} ${event.name} ${event.verdict}`;
    case 'guardrail-retraction':
      return `guardrail-retraction ${event.stepNumber}`;
    case 'handoff':
      return `handoff ${event.from} ${event.to}`;
    case 'plugin':
      return `plugin ${event.plugin} ${event.kind}`;
    case 'run-end':
      return `run-end ${event.result.finishReason}`;
  }
}

describe('agent.stream', () => {
  it('yields typed events in order and resolves result like run()', async () => {
    const chunk = (
      parts: Part[],
      extra: Record<string, unknown> = {},
    ): GenerateContentResponse => ({
      candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
    });
    const streamed = createScriptedGemini([
      callsTurn(['echo', { text: 'hi' }, 'e1']),
      {
        chunks: [
          chunk([{ text: 'thinking...', thought: true }]),
          chunk([{ text: 'Hello ' }]),
          chunk([{ text: 'world' }]),
          {
            ...chunk([{ text: '', thoughtSignature: 'c2ln' }], { finishReason: 'STOP' }),
            usageMetadata: { totalTokenCount: 15 },
          },
        ],
      },
    ]);
    const agent = createAgent({ gemini: streamed, model: 'gemini-2.5-flash', tools: [echo] });
    const stream = agent.stream('Say hi');
    const events: string[] = [];
    for await (const event of stream) events.push(summarize(event));
    const result = await stream.result;

    expect(events).toEqual([
      'step-start 1 tools',
      'tool-call echo e1',
      'tool-result echo "hi"',
      'step-end 1',
      'step-start 2 tools',
      'thought-delta thinking...',
      'text-delta Hello ',
      'text-delta world',
      'step-end 2',
      'run-end stop',
    ]);
    expect(result.text).toBe('Hello world');
    expect(result.steps[1]?.thoughts).toBe('thinking...');
    expect(streamed.calls.every((call) => call.streaming)).toBe(true);

    // The same turns without streaming build the same history.
    const unstreamed = createScriptedGemini([
      callsTurn(['echo', { text: 'hi' }, 'e1']),
      modelTurn([
        { text: 'thinking...', thought: true },
        { text: 'Hello world', thoughtSignature: 'c2ln' },
      ]),
    ]);
    const runResult = await createAgent({
      gemini: unstreamed,
      model: 'gemini-2.5-flash',
      tools: [echo],
    }).run('Say hi');
    expect(result.contents).toEqual(runResult.contents);
    expect(streamed.calls.map((call) => call.request)).toEqual(
      unstreamed.calls.map((call) => call.request),
    );
  });

  it('aborts the run when the consumer breaks out, and tools see the abort', async () => {
    let toolSignal: AbortSignal | undefined;
    const waits = defineTool({
      name: 'waits',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        toolSignal = signal;
        return new Promise(() => {});
      },
    });
    const gemini = createScriptedGemini([callsTurn(['waits', {}])]);
    const stream = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [waits] }).stream('Go');
    for await (const event of stream) {
      if (event.type === 'tool-call') break;
    }
    const error = await stream.result.catch((caught: unknown) => caught);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    expect(toolSignal?.aborted).toBe(true);
    expect((error as AgentAbortedError).run.contents).toHaveLength(3);
  });

  it('throws a failed run from the iteration and rejects result, with no unhandled rejection', async () => {
    const failing = () => createScriptedGemini([{ error: new Error('boom') }]);
    // Only iterating: the error comes out of the loop.
    const onlyIterated = createAgent({ gemini: failing(), model: 'gemini-2.5-flash' }).stream('Go');
    const iterationError = await (async () => {
      for await (const _event of onlyIterated) {
        // drain
      }
    })().catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(iterationError)).toBe(true);

    // Only awaiting result: the rejection comes out of the promise.
    const onlyAwaited = createAgent({ gemini: failing(), model: 'gemini-2.5-flash' }).stream('Go');
    await expect(onlyAwaited.result).rejects.toSatisfy(ModelCallError.isInstance);

    // Neither: nothing escapes (vitest fails the run on an unhandled rejection).
    createAgent({ gemini: failing(), model: 'gemini-2.5-flash' }).stream('Go');
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('rejects bad input through result and the iteration, not synchronously', async () => {
    const stream = createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-2.5-flash',
    }).stream([]);
    await expect(stream.result).rejects.toThrow(/empty array/);
  });

  it('offers the events as a ReadableStream', async () => {
    const gemini = createScriptedGemini([textTurn('ok')]);
    const readable = createAgent({ gemini, model: 'gemini-2.5-flash' })
      .stream('Go')
      .toReadableStream();
    const types: string[] = [];
    const reader = readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      types.push(value.type);
    }
    expect(types).toEqual(['step-start', 'text-delta', 'step-end', 'run-end']);
  });

  it('answers next() calls made before events arrive, in order', async () => {
    const gemini = createScriptedGemini([textTurn('ok')]);
    const iterator = createAgent({ gemini, model: 'gemini-2.5-flash' })
      .stream('Go')
      [Symbol.asyncIterator]();
    const pending = [
      iterator.next(),
      iterator.next(),
      iterator.next(),
      iterator.next(),
      iterator.next(),
    ];
    const results = await Promise.all(pending);
    expect(results.map((result) => (result.done === true ? 'done' : result.value.type))).toEqual([
      'step-start',
      'text-delta',
      'step-end',
      'run-end',
      'done',
    ]);
  });

  it('stops with abort() like a break', async () => {
    const gemini = createScriptedGemini([{ hang: true }]);
    const stream = createAgent({ gemini, model: 'gemini-2.5-flash' }).stream('Go');
    setTimeout(() => stream.abort(), 5);
    await expect(stream.result).rejects.toSatisfy(AgentAbortedError.isInstance);
  });
});

describe("the stream's event queue (openAgentStream)", () => {
  const delta = (text: string, path?: AgentPath): UntaggedAgentEvent<unknown> =>
    path === undefined
      ? { type: 'text-delta', stepNumber: 1, text }
      : { type: 'text-delta', stepNumber: 1, text, path };

  it('hands each event, queued or to a waiting reader, in order, as the object emitted with its path stamped last', async () => {
    const opened = openAgentStream<undefined>(undefined);
    let end: (() => void) | undefined;
    const stream = opened.attach(
      new Promise((resolve) => {
        end = () => resolve({} as never);
      }),
    );
    const iterator = stream[Symbol.asyncIterator]();
    const emitted = [delta('a'), delta('b'), delta('c'), delta('d'), delta('e')];
    // Two queued before anyone reads, then one to a reader already waiting, then two queued again.
    opened.emit(emitted[0] as UntaggedAgentEvent<unknown>);
    opened.emit(emitted[1] as UntaggedAgentEvent<unknown>);
    const first = await iterator.next();
    const second = await iterator.next();
    const waiting = iterator.next();
    const alsoWaiting = iterator.next();
    opened.emit(emitted[2] as UntaggedAgentEvent<unknown>);
    opened.emit(emitted[3] as UntaggedAgentEvent<unknown>);
    opened.emit(emitted[4] as UntaggedAgentEvent<unknown>);
    const read = [first, second, await waiting, await alsoWaiting, await iterator.next()];
    expect(read.map((result) => result.value)).toEqual(
      emitted.map((event) => expect.objectContaining({ text: (event as { text: string }).text })),
    );
    read.forEach((result, index) => {
      expect(result.done).toBe(false);
      expect(result.value).toBe(emitted[index]);
      expect(Object.keys(result.value as object)).toEqual(['type', 'stepNumber', 'text', 'path']);
      expect((result.value as { path: AgentPath }).path).toEqual([]);
      expect(Object.isFrozen((result.value as { path: AgentPath }).path)).toBe(true);
    });
    const last = iterator.next();
    end?.();
    await expect(last).resolves.toEqual({ value: undefined, done: true });
  });

  it("keeps a subagent's path and holds its producer once its unread events reach the backlog", async () => {
    const opened = openAgentStream<undefined>(undefined, undefined, 2);
    const stream = opened.attach(new Promise(() => {}));
    const iterator = stream[Symbol.asyncIterator]();
    const child: AgentPath = Object.freeze(['child']);
    // A reader waiting takes the top event; the child's two unread events then fill its backlog.
    const waiting = iterator.next();
    expect(opened.emit(delta('top'))).toBeUndefined();
    expect((await waiting).value).toMatchObject({ text: 'top', path: [] });
    expect(opened.emit(delta('one', child))).toBeUndefined();
    const held = opened.emit(delta('two', child));
    expect(held).toBeInstanceOf(Promise);
    let released = false;
    void held?.then(() => {
      released = true;
    });
    const one = await iterator.next();
    expect(one.value).toMatchObject({ text: 'one', path: child });
    expect((one.value as { path: AgentPath }).path).toBe(child);
    await Promise.resolve();
    expect(released).toBe(true);
    expect((await iterator.next()).value).toMatchObject({ text: 'two', path: child });
    await iterator.return?.();
  });
});
