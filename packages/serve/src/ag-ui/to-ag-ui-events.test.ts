import { type BaseEvent, EventType } from '@ag-ui/core';
import type { AgentEvent } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { createAgUiEventMapper, toAgUiCallId } from './to-ag-ui-events.ts';

// gemloop's events as AG-UI's, one mapper per AG-UI run: which events open and close a text
// message, a reasoning span and a step; tool calls and results with the thread-unique ids; a
// subagent's events left out; and the step an interrupt closes, opened again on resume.

const event = (value: Record<string, unknown>) => ({ path: [], ...value }) as unknown as AgentEvent;
const mapper = (options: Partial<{ thoughts: boolean; maxToolResultChars: number }> = {}) =>
  createAgUiEventMapper({ maxToolResultChars: 1000, thoughts: false, runId: 'run-7', ...options });
const types = (events: BaseEvent[]) => events.map((each) => each.type);
const all = (map: ReturnType<typeof mapper>, events: AgentEvent[]) =>
  events.flatMap((each) => map.map(each));

describe('createAgUiEventMapper', () => {
  it('one text message per run of text, closed at the step`s end', () => {
    const events = all(mapper(), [
      event({ type: 'step-start', stepNumber: 1 }),
      event({ type: 'text-delta', text: 'Hel' }),
      event({ type: 'text-delta', text: '' }),
      event({ type: 'text-delta', text: 'lo' }),
      event({ type: 'step-end', step: { stepNumber: 1 } }),
    ]);
    expect(types(events)).toEqual([
      EventType.STEP_STARTED,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.STEP_FINISHED,
    ]);
    const ids = new Set(
      events
        .filter((each) => 'messageId' in each)
        .map((each) => (each as unknown as { messageId: string }).messageId),
    );
    expect(ids.size).toBe(1);
    expect(events[0]).toMatchObject({ stepName: 'step-1' });
  });

  it('thoughts only when asked: a reasoning span, closed by the text that follows', () => {
    const flow = [
      event({ type: 'thought-delta', text: 'Hmm.' }),
      event({ type: 'text-delta', text: 'Yes.' }),
    ];
    expect(types(all(mapper(), flow))).toEqual([
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
    ]);
    expect(types(all(mapper({ thoughts: true }), flow))).toEqual([
      EventType.REASONING_START,
      EventType.REASONING_MESSAGE_START,
      EventType.REASONING_MESSAGE_CONTENT,
      EventType.REASONING_MESSAGE_END,
      EventType.REASONING_END,
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
    ]);
  });

  it('a tool call closes the open text and is start, args (the redacted ones), end, with a thread-unique id', () => {
    const events = all(mapper(), [
      event({ type: 'text-delta', text: 'Let me look.' }),
      event({
        type: 'tool-call',
        toolCallId: 'call_1_0',
        toolName: 'send_mail',
        args: { to: 'a@x', password: 'hunter2' },
        redactedArgs: { to: 'a@x', password: '[redacted]' },
      }),
    ]);
    expect(types(events)).toEqual([
      EventType.TEXT_MESSAGE_START,
      EventType.TEXT_MESSAGE_CONTENT,
      EventType.TEXT_MESSAGE_END,
      EventType.TOOL_CALL_START,
      EventType.TOOL_CALL_ARGS,
      EventType.TOOL_CALL_END,
    ]);
    expect(events[3]).toMatchObject({ toolCallId: 'run-7.call_1_0', toolCallName: 'send_mail' });
    expect(events[4]).toMatchObject({ delta: '{"to":"a@x","password":"[redacted]"}' });
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('a result is the output as JSON, cut at the bound between characters; a held output is empty; an error says how it ended', () => {
    const map = mapper({ maxToolResultChars: 11 });
    const result = (output: unknown, extra: Record<string, unknown> = {}) =>
      map.map(
        event({ type: 'tool-result', toolCall: { toolCallId: 'c1', output }, ...extra }),
      )[0] as unknown as { content: string; toolCallId: string };
    expect(result({ tempC: 18 })).toMatchObject({
      type: EventType.TOOL_CALL_RESULT,
      toolCallId: 'run-7.c1',
      role: 'tool',
      content: '{"tempC":18',
    });
    expect(result(`${'a'.repeat(10)}😀`).content).toBe('a'.repeat(10));
    expect(result('short')).toMatchObject({ content: 'short' });
    expect(result({ secret: 1 }, { outputHeld: true }).content).toBe('');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(result(cyclic).content).toBe('[output tha');
    const error = map.map(
      event({ type: 'tool-error', outcome: 'denied', toolCall: { toolCallId: 'c2' } }),
    )[0];
    expect(error).toMatchObject({
      content: '{"error":"The call ended: denied."}',
      toolCallId: 'run-7.c2',
    });
  });

  it('leaves out a subagent`s events: they are inside its parent`s tool call', () => {
    const map = mapper({ thoughts: true });
    for (const type of ['step-start', 'text-delta', 'thought-delta', 'tool-call', 'step-end']) {
      expect(
        map.map({ type, path: ['researcher#1'], text: 'x', stepNumber: 1 } as never),
        type,
      ).toEqual([]);
    }
  });

  it('close ends what an interrupted run left open; reopen starts its step again, once', () => {
    const map = mapper();
    all(map, [
      event({ type: 'step-start', stepNumber: 3 }),
      event({ type: 'text-delta', text: 'Asking.' }),
    ]);
    expect(types(map.close())).toEqual([EventType.TEXT_MESSAGE_END, EventType.STEP_FINISHED]);
    expect(map.close()).toEqual([]);
    expect(map.reopen()).toEqual([{ type: EventType.STEP_STARTED, stepName: 'step-3' }]);
    expect(map.reopen()).toEqual([]);
    // A run closed between steps has no step to reopen.
    const idle = mapper();
    all(idle, [
      event({ type: 'step-start', stepNumber: 1 }),
      event({ type: 'step-end', step: { stepNumber: 1 } }),
    ]);
    expect(idle.close()).toEqual([]);
    expect(idle.reopen()).toEqual([]);
  });
});

describe('toAgUiCallId', () => {
  it('prefixes the call id with the AG-UI run that started it', () => {
    expect(toAgUiCallId('run-1', 'call_1_0')).not.toBe(toAgUiCallId('run-2', 'call_1_0'));
  });
});
