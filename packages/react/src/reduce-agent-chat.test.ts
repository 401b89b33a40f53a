import type { BrowserEvent } from '@gemloop/client';
import { describe, expect, it } from 'vitest';
import type { AgentChatState, AssistantChatMessage } from './agent-chat-message.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';

// The chat's state as a fold of actions: every event type of protocol version 1, an unknown one,
// and what the page does (send, stop, a failure, approvals, reload).

const usage = (total: number) => ({
  inputTokens: total - 1,
  outputTokens: 1,
  thoughtsTokens: 0,
  cachedTokens: 0,
  totalTokens: total,
});

const fold = (actions: AgentChatAction[], state = initialAgentChatState()): AgentChatState =>
  actions.reduce(reduceAgentChat, state);
const send = (text = 'Hi', n = 1): Extract<AgentChatAction, { type: 'send' }> => ({
  type: 'send',
  userId: `u${n}`,
  assistantId: `a${n}`,
  text,
});
const ev = (event: BrowserEvent | Record<string, unknown>, messageId = 'a1'): AgentChatAction => ({
  type: 'event',
  messageId,
  event,
});
const assistant = (state: AgentChatState, id = 'a1'): AssistantChatMessage => {
  const message = state.messages.find((each) => each.id === id);
  if (message?.role !== 'assistant') throw new Error(`no assistant message ${id}`);
  return message;
};

const start = ev({ type: 'start', path: [], runId: 'run-1', protocol: 1 });
const finish = (outcome: 'completed' | 'aborted' | 'error' = 'completed') =>
  ev({ type: 'finish', path: [], outcome, finishReason: 'stop', usage: usage(30), cost: null });

describe('reduceAgentChat', () => {
  it('send: a user message and an empty assistant message, streaming', () => {
    const state = fold([send('Hello')]);
    expect(state.messages).toEqual([
      { id: 'u1', role: 'user', text: 'Hello' },
      { id: 'a1', role: 'assistant', text: '', thoughts: '', toolCalls: [], approvals: [] },
    ]);
    expect(state.status).toBe('streaming');
    expect(state.streamingId).toBe('a1');
  });

  it('start, step-start, text and thoughts, step-finish, finish: one answer with its usage', () => {
    const state = fold([
      send(),
      start,
      ev({ type: 'step-start', path: [], stepNumber: 1, kind: 'tools' }),
      ev({ type: 'thought-delta', path: [], stepNumber: 1, text: 'Think' }),
      ev({ type: 'thought-delta', path: [], stepNumber: 1, text: 'ing.' }),
      ev({ type: 'text-delta', path: [], stepNumber: 1, text: 'Hel' }),
      ev({ type: 'text-delta', path: [], stepNumber: 1, text: 'lo' }),
      ev({
        type: 'step-finish',
        path: [],
        stepNumber: 1,
        kind: 'tools',
        finishReason: 'STOP',
        usage: usage(10),
        cost: null,
      }),
    ]);
    expect(assistant(state)).toMatchObject({
      runId: 'run-1',
      text: 'Hello',
      thoughts: 'Thinking.',
    });
    expect(assistant(state).usage?.totalTokens).toBe(10);
    expect(assistant(state).outcome).toBeUndefined();
    expect(state.status).toBe('streaming');
    const ended = reduceAgentChat(state, finish());
    expect(assistant(ended)).toMatchObject({ outcome: 'completed', finishReason: 'stop' });
    // The run's usage from `finish` replaces the sum of its steps.
    expect(assistant(ended).usage?.totalTokens).toBe(30);
    expect(ended.status).toBe('idle');
    expect(ended.streamingId).toBeUndefined();
  });

  it('adds up the usage of each step until finish', () => {
    const step = (n: number, total: number) =>
      ev({
        type: 'step-finish',
        path: [],
        stepNumber: n,
        kind: 'tools',
        finishReason: 'STOP',
        usage: usage(total),
        cost: null,
      });
    const state = fold([send(), start, step(1, 10), step(2, 7)]);
    expect(assistant(state).usage).toEqual({
      inputTokens: 15,
      outputTokens: 2,
      thoughtsTokens: 0,
      cachedTokens: 0,
      totalTokens: 17,
    });
  });

  it('a text-retraction replaces its step`s text in the message, not the other steps`', () => {
    const delta = (stepNumber: number, text: string) =>
      ev({ type: 'text-delta', path: [], stepNumber, text });
    const retract = (stepNumber: number, text: string, path: string[] = []) =>
      ev({ type: 'text-retraction', path, stepNumber, text });
    const state = fold([
      send(),
      start,
      delta(1, 'Looking it up. '),
      delta(2, 'Call '),
      delta(2, '555-1234'),
      retract(2, 'Call [phone]'),
    ]);
    expect(assistant(state).text).toBe('Looking it up. Call [phone]');
    // Withdrawn; a step that sent no text before (kept in step order); a subagent's (not shown).
    const more = fold([retract(1, ''), retract(3, ' Bye.'), retract(1, 'x', ['child'])], state);
    expect(assistant(more).text).toBe('Call [phone] Bye.');
    // One without a step number cannot say what it replaces: dropped.
    const bad = { type: 'text-retraction', path: [], text: '' };
    expect(reduceAgentChat(more, ev(bad))).toBe(more);
  });

  it('a tool call that ended stays ended when its tool-call or approval-pending comes late or twice', () => {
    const call = ev({
      type: 'tool-call',
      path: [],
      stepNumber: 1,
      toolCallId: 'c1',
      toolName: 'send_mail',
      args: {},
    });
    const result = ev({
      type: 'tool-result',
      path: [],
      stepNumber: 1,
      toolCallId: 'c1',
      toolName: 'send_mail',
      outcome: 'success',
      preview: 'sent',
    });
    const pending = ev({
      type: 'approval-pending',
      path: [],
      approvalId: 'p1',
      stepNumber: 1,
      toolCallId: 'c1',
      toolName: 'send_mail',
      args: {},
    });
    const state = fold([send(), start, call, result, call, pending]);
    expect(assistant(state).toolCalls).toMatchObject([{ toolCallId: 'c1', status: 'done' }]);
    expect(assistant(state).approvals).toEqual([]);
    expect(state.status).toBe('streaming');
  });

  it('a tool call runs, then is done with its result preview, or error with why', () => {
    const call = (id: string, name: string) =>
      ev({
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: id,
        toolName: name,
        args: { city: 'Paris' },
      });
    const running = fold([send(), start, call('c1', 'get_weather'), call('c2', 'broken')]);
    expect(assistant(running).toolCalls.map((each) => [each.toolName, each.status])).toEqual([
      ['get_weather', 'running'],
      ['broken', 'running'],
    ]);
    const ended = fold(
      [
        ev({
          type: 'tool-result',
          path: [],
          stepNumber: 1,
          toolCallId: 'c1',
          toolName: 'get_weather',
          outcome: 'success',
          preview: '{"temperatureC":18}',
          truncated: false,
        }),
        ev({
          type: 'tool-result',
          path: [],
          stepNumber: 1,
          toolCallId: 'c2',
          toolName: 'broken',
          outcome: 'execution-error',
          error: 'The tool failed.',
        }),
      ],
      running,
    );
    expect(assistant(ended).toolCalls).toEqual([
      {
        toolCallId: 'c1',
        toolName: 'get_weather',
        path: [],
        stepNumber: 1,
        args: { city: 'Paris' },
        status: 'done',
        outcome: 'success',
        preview: '{"temperatureC":18}',
        truncated: false,
        error: undefined,
      },
      {
        toolCallId: 'c2',
        toolName: 'broken',
        path: [],
        stepNumber: 1,
        args: { city: 'Paris' },
        status: 'error',
        outcome: 'execution-error',
        preview: undefined,
        truncated: undefined,
        error: 'The tool failed.',
      },
    ]);
  });

  it('a result whose call was not seen (a late resume) still shows', () => {
    const state = fold([
      send(),
      ev({
        type: 'tool-result',
        path: [],
        stepNumber: 2,
        toolCallId: 'c9',
        toolName: 'lookup',
        outcome: 'success',
        preview: '1',
      }),
    ]);
    expect(assistant(state).toolCalls).toMatchObject([
      { toolCallId: 'c9', toolName: 'lookup', status: 'done', preview: '1' },
    ]);
  });

  it('an approval: pending (status awaiting-approval), answered, resolved, then the call runs', () => {
    const pending = fold([
      send(),
      start,
      ev({
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'send_email',
        args: { to: 'me@example.com' },
      }),
      ev({
        type: 'approval-pending',
        path: [],
        approvalId: 'ap1',
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'send_email',
        args: { to: 'me@example.com' },
      }),
    ]);
    expect(pending.status).toBe('awaiting-approval');
    expect(assistant(pending).approvals).toEqual([
      {
        approvalId: 'ap1',
        toolCallId: 'c1',
        toolName: 'send_email',
        path: [],
        args: { to: 'me@example.com' },
      },
    ]);
    expect(assistant(pending).toolCalls[0]?.status).toBe('pending');

    const answering = reduceAgentChat(pending, {
      type: 'approval-answered',
      approvalId: 'ap1',
      decision: 'approve',
    });
    expect(assistant(answering).approvals[0]?.answering).toBe('approve');
    expect(answering.status).toBe('awaiting-approval');

    const resolved = reduceAgentChat(
      answering,
      ev({ type: 'approval-resolved', path: [], approvalId: 'ap1', decision: 'approve' }),
    );
    expect(assistant(resolved).approvals).toEqual([]);
    expect(assistant(resolved).toolCalls[0]?.status).toBe('running');
    expect(resolved.status).toBe('streaming');
  });

  it('an approved call of a subagent runs; the parent`s pending call with the same id still waits', () => {
    // Calls without an id from the API are numbered per run (`call_1_0`): a subagent's first call
    // has its parent's id, told apart only by its path.
    const pending = (approvalId: string, path: string[]) =>
      ev({
        type: 'approval-pending',
        path,
        approvalId,
        stepNumber: 1,
        toolCallId: 'call_1_0',
        toolName: 'send_email',
        args: {},
      });
    const state = fold([
      send(),
      pending('parent', []),
      pending('child', ['research']),
      ev({
        type: 'approval-resolved',
        path: ['research'],
        approvalId: 'child',
        decision: 'approve',
      }),
    ]);
    const calls = assistant(state).toolCalls.map((call) => [call.path, call.status]);
    expect(calls).toEqual([
      [[], 'pending'],
      [['research'], 'running'],
    ]);
    expect(state.status).toBe('awaiting-approval');
  });

  it('a denied approval leaves the call pending until its denied result', () => {
    const state = fold([
      send(),
      ev({
        type: 'approval-pending',
        path: [],
        approvalId: 'ap1',
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'send_email',
        args: {},
      }),
      ev({ type: 'approval-resolved', path: [], approvalId: 'ap1', decision: 'deny' }),
    ]);
    expect(assistant(state).toolCalls[0]?.status).toBe('pending');
    const denied = reduceAgentChat(
      state,
      ev({
        type: 'tool-result',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'send_email',
        outcome: 'denied',
        error: 'Not that address.',
      }),
    );
    expect(assistant(denied).toolCalls[0]).toMatchObject({ status: 'error', outcome: 'denied' });
  });

  it('an answer not accepted brings the buttons back; one for nothing waiting removes the approval', () => {
    const pending = fold([
      send(),
      ev({
        type: 'approval-pending',
        path: [],
        approvalId: 'ap1',
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 't',
        args: {},
      }),
    ]);
    const retry = fold(
      [
        { type: 'approval-answered', approvalId: 'ap1', decision: 'deny' },
        { type: 'approval-answered', approvalId: 'ap1', decision: undefined },
      ],
      pending,
    );
    expect(assistant(retry).approvals[0]?.answering).toBeUndefined();
    const gone = reduceAgentChat(pending, { type: 'approval-gone', approvalId: 'ap1' });
    expect(assistant(gone).approvals).toEqual([]);
    expect(gone.status).toBe('streaming');
    // An id nobody knows changes nothing.
    expect(reduceAgentChat(pending, { type: 'approval-gone', approvalId: 'nope' })).toBe(pending);
  });

  it('an error event, then finish error: status error with the error the page may show', () => {
    const error = { name: 'ApiCallError', code: 'rate-limited', message: 'Slow down.' };
    const state = fold([send(), start, ev({ type: 'error', path: [], error }), finish('error')]);
    expect(state.status).toBe('error');
    expect(state.error).toEqual(error);
    expect(assistant(state)).toMatchObject({ outcome: 'error', error });
    // The next send clears it.
    const next = reduceAgentChat(state, send('Again', 2));
    expect(next.error).toBeUndefined();
    expect(next.status).toBe('streaming');
  });

  it('finish aborted (stopped on the server) is idle, not an error', () => {
    const state = fold([send(), start, finish('aborted')]);
    expect(state.status).toBe('idle');
    expect(state.error).toBeUndefined();
    expect(assistant(state).outcome).toBe('aborted');
  });

  it('ignores unknown event types, non-objects and events of another message', () => {
    const state = fold([send(), start]);
    for (const event of [
      { type: 'from-the-future', path: [], text: 'x' },
      { path: [] },
      null,
      'text-delta',
      42,
    ]) {
      expect(reduceAgentChat(state, { type: 'event', messageId: 'a1', event })).toBe(state);
    }
    expect(
      reduceAgentChat(state, ev({ type: 'text-delta', path: [], stepNumber: 1, text: 'x' }, 'a0')),
    ).toBe(state);
  });

  it('drops an event whose fields have the wrong types (the bytes come from a server)', () => {
    const state = fold([send(), start]);
    const malformed: Record<string, unknown>[] = [
      { type: 'text-delta', path: [], stepNumber: 1, text: 42 },
      { type: 'text-delta', stepNumber: 1, text: 'no path' },
      { type: 'text-delta', path: [1], stepNumber: 1, text: 'path of numbers' },
      { type: 'thought-delta', path: [], stepNumber: 1, text: { html: '<b>' } },
      { type: 'start', path: [], runId: 7, protocol: 1 },
      { type: 'tool-call', path: [], stepNumber: 1, toolName: 'no_id', args: {} },
      { type: 'tool-call', path: [], stepNumber: 1, toolCallId: 'c', toolName: 't', args: [1] },
      { type: 'tool-result', path: [], toolCallId: 'c', toolName: 't', outcome: 1 },
      {
        type: 'tool-result',
        path: [],
        toolCallId: 'c',
        toolName: 't',
        outcome: 'success',
        preview: {},
      },
      { type: 'step-finish', path: [], stepNumber: 1, usage: { totalTokens: '10' } },
      { type: 'approval-pending', path: [], toolCallId: 'c', toolName: 't', args: {} },
      { type: 'approval-resolved', path: [], approvalId: 'a', decision: 'maybe' },
      { type: 'error', path: [], error: 'boom' },
      { type: 'error', path: [], error: { name: 'E' } },
      // Not `finish`: the client ends the stream at any `finish`, so one of the wrong shape still
      // ends the run (attack61f, reduce-agent-chat.attack61f.attacks.test.ts).
    ];
    for (const event of malformed) {
      expect(
        reduceAgentChat(state, { type: 'event', messageId: 'a1', event }),
        JSON.stringify(event),
      ).toBe(state);
    }
    // `usage: null` on finish is as good as absent.
    const ended = reduceAgentChat(
      state,
      ev({ type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', usage: null }),
    );
    expect(assistant(ended).outcome).toBe('completed');
  });

  it('a subagent`s text is not the answer; its tool calls show with their path', () => {
    const state = fold([
      send(),
      ev({ type: 'text-delta', path: ['researcher'], stepNumber: 1, text: 'inner' }),
      ev({ type: 'thought-delta', path: ['researcher'], stepNumber: 1, text: 'inner' }),
      ev({
        type: 'tool-call',
        path: ['researcher'],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'search',
        args: {},
      }),
      ev({
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'researcher',
        args: {},
      }),
    ]);
    expect(assistant(state)).toMatchObject({ text: '', thoughts: '' });
    expect(assistant(state).toolCalls.map((call) => [call.path, call.toolName])).toEqual([
      [['researcher'], 'search'],
      [[], 'researcher'],
    ]);
  });

  it('stop: the message ends aborted, its approvals gone, its unfinished calls aborted; later events are ignored', () => {
    const running = fold([
      send(),
      start,
      ev({
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'wait',
        args: {},
      }),
      ev({
        type: 'approval-pending',
        path: [],
        approvalId: 'ap1',
        stepNumber: 1,
        toolCallId: 'c2',
        toolName: 'send_email',
        args: {},
      }),
    ]);
    const stopped = reduceAgentChat(running, { type: 'stopped', messageId: 'a1' });
    expect(stopped.status).toBe('idle');
    expect(assistant(stopped)).toMatchObject({ outcome: 'aborted', approvals: [] });
    expect(assistant(stopped).toolCalls.map((call) => [call.status, call.outcome])).toEqual([
      ['error', 'aborted'],
      ['error', 'aborted'],
    ]);
    const late = ev({ type: 'text-delta', path: [], stepNumber: 1, text: 'late' });
    expect(reduceAgentChat(stopped, late)).toBe(stopped);
    // A stop of a message that is not streaming changes nothing.
    expect(reduceAgentChat(stopped, { type: 'stopped', messageId: 'a1' })).toBe(stopped);
  });

  it('a send while a run streams ends that run as aborted', () => {
    const state = fold([send('One', 1), start, send('Two', 2)]);
    expect(assistant(state, 'a1').outcome).toBe('aborted');
    expect(state.streamingId).toBe('a2');
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('failed: the stream broke (a ClientError): status error, the message keeps what it got', () => {
    const error = new Error('The connection to the run was lost and could not be resumed.');
    const state = fold([
      send(),
      start,
      ev({ type: 'text-delta', path: [], stepNumber: 1, text: 'Half' }),
      { type: 'failed', messageId: 'a1', error },
    ]);
    expect(state.status).toBe('error');
    expect(state.error).toBe(error);
    expect(assistant(state)).toMatchObject({ text: 'Half', outcome: 'error', error });
    expect(state.streamingId).toBeUndefined();
  });

  it('reload: the answer after the last user message is replaced by a new one', () => {
    const state = fold([send('Q', 1), start, finish(), { type: 'reload', assistantId: 'a2' }]);
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a2']);
    expect(state.status).toBe('streaming');
    expect(reduceAgentChat(initialAgentChatState(), { type: 'reload', assistantId: 'x' })).toEqual(
      initialAgentChatState(),
    );
  });

  it('set-messages replaces the conversation; initial messages start idle', () => {
    const messages = [{ id: 'u0', role: 'user' as const, text: 'Earlier' }];
    expect(initialAgentChatState(messages)).toMatchObject({ messages, status: 'idle' });
    expect(fold([{ type: 'set-messages', messages }]).messages).toEqual(messages);
  });
});

describe('reduceAgentChat, MCP servers asking (mcp-requests plugin events)', () => {
  const pending = (id: string, data: Record<string, unknown> = {}) =>
    ev({
      type: 'plugin',
      path: ['booker#1'],
      plugin: 'mcp-requests',
      kind: 'elicitation-pending',
      stepNumber: 1,
      data: {
        id,
        server: 'server "bookings"',
        mode: 'form',
        message: 'How many people?',
        toolCalls: [{ toolCallId: 'c1', toolName: 'book_table' }],
        fields: [{ name: 'people', type: 'integer', title: 'People', required: true }],
        ...data,
      },
    });
  const resolved = (id: string) =>
    ev({
      type: 'plugin',
      path: ['booker#1'],
      plugin: 'mcp-requests',
      kind: 'elicitation-resolved',
      stepNumber: 1,
      data: { id, action: 'accept' },
    });

  it('shows a question while it waits, and the chat awaits the page', () => {
    const state = fold([send(), start, pending('e1'), pending('e1')]);
    expect(state.status).toBe('awaiting-approval');
    expect(assistant(state).elicitations).toEqual([
      {
        id: 'e1',
        path: ['booker#1'],
        mode: 'form',
        server: 'server "bookings"',
        message: 'How many people?',
        toolCalls: [{ toolCallId: 'c1', toolName: 'book_table' }],
        fields: [{ name: 'people', type: 'integer', title: 'People', required: true }],
      },
    ]);
    const answered = fold([resolved('e1')], state);
    expect(assistant(answered).elicitations).toEqual([]);
    expect(answered.status).toBe('streaming');
  });

  it('drops it when the page answered, when the run finishes, and ignores malformed data and other plugins', () => {
    const state = fold([
      send(),
      start,
      pending('e1'),
      pending('e2', { mode: 'url', host: 'x.example' }),
    ]);
    const gone = reduceAgentChat(state, { type: 'elicitation-gone', id: 'e1' });
    expect(assistant(gone).elicitations?.map((each) => [each.id, each.host])).toEqual([
      ['e2', 'x.example'],
    ]);
    expect(assistant(fold([finish()], gone)).elicitations).toEqual([]);
    const ignored = fold([
      send('again', 2),
      ev(
        {
          type: 'plugin',
          path: [],
          plugin: 'mcp-requests',
          kind: 'elicitation-pending',
          stepNumber: 1,
          data: { id: 7 },
        },
        'a2',
      ),
      ev(
        {
          type: 'plugin',
          path: [],
          plugin: 'other',
          kind: 'elicitation-pending',
          stepNumber: 1,
          data: { id: 'x', mode: 'form', server: 's', message: 'm' },
        },
        'a2',
      ),
      ev({ type: 'plugin', path: [], kind: 'no-plugin-name' }, 'a2'),
    ]);
    expect(assistant(ignored, 'a2').elicitations).toBeUndefined();
    expect(ignored.status).toBe('streaming');
  });
});

// client-media56: a send with files, and one refused before any request.
describe('reduceAgentChat: files', () => {
  it('a send with files keeps them on the user message; one without has no files field', () => {
    const files = [{ mediaType: 'image/png', filename: 'a.png', size: 3, previewUrl: 'blob:x/1' }];
    const state = fold([{ ...send('What is this?'), files }, send('And?', 2)]);
    expect(state.messages[0]).toEqual({ id: 'u1', role: 'user', text: 'What is this?', files });
    expect(state.messages[2]).toEqual({ id: 'u2', role: 'user', text: 'And?' });
    expect(fold([{ ...send(), files: [] }]).messages[0]).toEqual({
      id: 'u1',
      role: 'user',
      text: 'Hi',
    });
  });

  it('a refused send shows the error and adds no message; a running answer ends aborted', () => {
    const error = { name: 'ClientError', code: 'file-refused', message: 'File 0 is of a type...' };
    const idle = fold([{ type: 'refused', error }]);
    expect(idle).toEqual({ messages: [], status: 'error', error, streamingId: undefined });
    const running = fold([send(), start, { type: 'refused', error }]);
    expect(running.messages).toHaveLength(2);
    expect(assistant(running).outcome).toBe('aborted');
    expect(running).toMatchObject({ status: 'error', error, streamingId: undefined });
    // The next send clears it.
    expect(fold([send('Again', 2)], idle)).toMatchObject({ status: 'streaming', error: undefined });
  });
});
