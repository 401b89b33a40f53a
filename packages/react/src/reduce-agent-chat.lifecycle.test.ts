import { describe, expect, it } from 'vitest';
import type {
  AgentChatMessage,
  AgentChatState,
  AssistantChatMessage,
} from './agent-chat-message.ts';
import { toPageMessage } from './index.ts';
import {
  type AgentChatAction,
  initialAgentChatState,
  reduceAgentChat,
} from './reduce-agent-chat.ts';

// The chat's status across what a page does between and during runs: a page that edits the
// messages while a run streams, a run that ends in the middle of a batch, a send or reload while an
// approval waits, and actions that arrive for a run that is over.

const fold = (actions: AgentChatAction[], state = initialAgentChatState()): AgentChatState =>
  actions.reduce(reduceAgentChat, state);
const send = (n: number, text = `Q${n}`): AgentChatAction => ({
  type: 'send',
  userId: `u${n}`,
  assistantId: `a${n}`,
  text,
});
const events = (messageId: string, ...list: object[]): AgentChatAction => ({
  type: 'events',
  messageId,
  events: list,
});
const text = (value: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: value });
const finish = (outcome: 'completed' | 'aborted' | 'error') => ({
  type: 'finish',
  path: [],
  outcome,
  finishReason: outcome === 'completed' ? 'stop' : undefined,
});
const failure = { name: 'ApiCallError', code: 'unavailable', message: 'The model is busy.' };
const approvalPending = (approvalId: string, toolCallId: string) => ({
  type: 'approval-pending',
  path: [],
  approvalId,
  stepNumber: 1,
  toolCallId,
  toolName: 'send_email',
  args: {},
});
const assistant = (state: AgentChatState, id: string): AssistantChatMessage => {
  const message = state.messages.find((each) => each.id === id);
  if (message?.role !== 'assistant') throw new Error(`no assistant message ${id}`);
  return message;
};

describe('reduceAgentChat: a run`s end', () => {
  it('reads nothing after the run`s finish in a batch', () => {
    const state = fold([send(1), events('a1', text('Done.'), finish('completed'), text(' More?'))]);
    expect(assistant(state, 'a1').text).toBe('Done.');
    expect(state).toMatchObject({ status: 'idle', streamingId: undefined });
    // And a later batch for that message changes nothing.
    expect(reduceAgentChat(state, events('a1', text('late')))).toBe(state);
  });

  it('a run that failed without an error event fails with words that say so, and a code', () => {
    const state = fold([send(1), events('a1', finish('error'))]);
    expect(state.status).toBe('error');
    // What is known: the server ended the run as failed and sent no error this page could read
    // (none, a malformed one dropped, or one sent before a reload and not saved with the page).
    const unexplained = {
      name: 'Error',
      code: 'run-failed-unexplained',
      message: 'The run failed, and the server did not say why.',
    };
    expect(state.error).toEqual(unexplained);
    expect(assistant(state, 'a1')).toMatchObject({ outcome: 'error', error: unexplained });
    expect(toPageMessage(state.error)).toBe(unexplained.message);
  });

  it('a malformed error event before the failed finish leaves the same words, not its own', () => {
    const state = fold([
      send(1),
      events('a1', { type: 'error', path: [], error: { message: 42 } }, finish('error')),
    ]);
    expect(state.error).toMatchObject({ code: 'run-failed-unexplained' });
  });

  it('an error event alone keeps the run streaming with the error known; finish error keeps it', () => {
    const streaming = fold([send(1), events('a1', { type: 'error', path: [], error: failure })]);
    expect(streaming).toMatchObject({ status: 'streaming', error: failure, streamingId: 'a1' });
    const ended = reduceAgentChat(streaming, events('a1', finish('error')));
    expect(ended).toMatchObject({ status: 'error', error: failure, streamingId: undefined });
    expect(assistant(ended, 'a1')).toMatchObject({ outcome: 'error', error: failure });
  });

  it('a failure or a stop of a run that is over (a late callback) changes nothing', () => {
    const over = fold([send(1), events('a1', finish('completed')), send(2)]);
    const late: AgentChatAction[] = [
      { type: 'failed', messageId: 'a1', error: new Error('late') },
      { type: 'stopped', messageId: 'a1' },
      events('a1', text('x')),
    ];
    for (const action of late) expect(reduceAgentChat(over, action)).toBe(over);
  });

  it('a broken stream after a completed step keeps the message`s text and calls', () => {
    const state = fold([
      send(1),
      events('a1', text('Half'), {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: 'search',
        args: {},
      }),
      { type: 'failed', messageId: 'a1', error: new TypeError('network') },
    ]);
    expect(assistant(state, 'a1')).toMatchObject({ text: 'Half', outcome: 'error' });
    expect(assistant(state, 'a1').toolCalls).toHaveLength(1);
    // The next send starts clean.
    expect(reduceAgentChat(state, send(2))).toMatchObject({
      status: 'streaming',
      error: undefined,
    });
  });
});

describe('reduceAgentChat: the page edits the messages while a run streams', () => {
  it('a run whose message the page removed still ends (idle), with the page`s messages left alone', () => {
    const mine: AgentChatMessage[] = [{ id: 'x', role: 'user', text: 'Only this' }];
    const removed = fold([send(1), { type: 'set-messages', messages: mine }]);
    expect(removed.status).toBe('streaming');
    const ended = reduceAgentChat(removed, events('a1', text('ignored'), finish('completed')));
    expect(ended.messages).toEqual(mine);
    expect(ended).toMatchObject({ status: 'idle', streamingId: undefined });
  });

  it('a run whose message the page kept goes on streaming into it', () => {
    const streaming = fold([send(1), events('a1', text('A'))]);
    const kept = reduceAgentChat(streaming, {
      type: 'set-messages',
      messages: [...streaming.messages.slice(1)],
    });
    const next = reduceAgentChat(kept, events('a1', text('B'), approvalPending('p1', 'c1')));
    expect(next.messages.map((message) => message.id)).toEqual(['a1']);
    expect(assistant(next, 'a1').text).toBe('AB');
    expect(next.status).toBe('awaiting-approval');
  });

  it('set-messages copies the list: the page mutating its array later does not reach the state', () => {
    const list: AgentChatMessage[] = [{ id: 'u0', role: 'user', text: 'Hi' }];
    const state = fold([{ type: 'set-messages', messages: list }]);
    list.push({ id: 'u9', role: 'user', text: 'sneaked in' });
    expect(state.messages).toHaveLength(1);
    const initial = initialAgentChatState(list);
    list.pop();
    expect(initial.messages).toHaveLength(2);
  });
});

describe('reduceAgentChat: a new run while an approval waits', () => {
  const waiting = fold([
    send(1),
    events(
      'a1',
      { type: 'start', path: [], runId: 'run-1', protocol: 1 },
      {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c0',
        toolName: 'search',
        args: {},
      },
      {
        type: 'tool-result',
        path: [],
        stepNumber: 1,
        toolCallId: 'c0',
        toolName: 'search',
        outcome: 'success',
        preview: '[]',
      },
      approvalPending('p1', 'c1'),
    ),
  ]);

  it('a send ends the waiting run aborted: no buttons left, the pending call aborted, the done one done', () => {
    expect(waiting.status).toBe('awaiting-approval');
    const next = reduceAgentChat(waiting, send(2));
    expect(next.status).toBe('streaming');
    const ended = assistant(next, 'a1');
    expect(ended).toMatchObject({ outcome: 'aborted', approvals: [] });
    expect(ended.toolCalls.map((call) => [call.toolCallId, call.status, call.outcome])).toEqual([
      ['c0', 'done', 'success'],
      ['c1', 'error', 'aborted'],
    ]);
  });

  it('a reload replaces the waiting answer with a new one after the same question', () => {
    const next = reduceAgentChat(waiting, { type: 'reload', assistantId: 'a2' });
    expect(next.messages.map((message) => message.id)).toEqual(['u1', 'a2']);
    expect(next).toMatchObject({ status: 'streaming', streamingId: 'a2', error: undefined });
  });
});

describe('reduceAgentChat: reload and resume', () => {
  it('reload after the page removed the answer streams a new one after the last question', () => {
    const state = fold([
      { type: 'set-messages', messages: [{ id: 'u1', role: 'user', text: 'Q' }] },
      { type: 'reload', assistantId: 'a2' },
    ]);
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a2']);
    expect(state.streamingId).toBe('a2');
  });

  it('reload drops every message after the last question, not only the last answer', () => {
    const messages: AgentChatMessage[] = [
      { id: 'u1', role: 'user', text: 'Q' },
      { id: 'a1', role: 'assistant', text: 'A', thoughts: '', toolCalls: [], approvals: [] },
      { id: 'a1b', role: 'assistant', text: 'B', thoughts: '', toolCalls: [], approvals: [] },
    ];
    const state = reduceAgentChat(initialAgentChatState(messages), {
      type: 'reload',
      assistantId: 'a2',
    });
    expect(state.messages.map((message) => message.id)).toEqual(['u1', 'a2']);
  });

  it('resume while another run streams ends that one aborted and continues the named run`s last answer', () => {
    const answer = (id: string, runId: string): AgentChatMessage => ({
      id,
      role: 'assistant',
      runId,
      text: id,
      thoughts: '',
      toolCalls: [],
      approvals: [],
    });
    const state = fold(
      [send(3), { type: 'resume', assistantId: 'new', runId: 'run-1' }],
      initialAgentChatState([answer('old', 'run-1'), answer('newer', 'run-1')]),
    );
    expect(assistant(state, 'a3').outcome).toBe('aborted');
    expect(state.streamingId).toBe('newer');
    expect(state.messages.map((message) => message.id)).toEqual(['old', 'newer', 'u3', 'a3']);
  });

  it('resuming an answer saved while an approval waited shows the chat awaiting the page at once', () => {
    const saved: AgentChatMessage = {
      id: 'a1',
      role: 'assistant',
      runId: 'run-1',
      text: '',
      thoughts: '',
      toolCalls: [],
      approvals: [{ approvalId: 'p1', toolCallId: 'c1', toolName: 't', path: [], args: {} }],
      outcome: 'error',
      error: failure,
    };
    const state = reduceAgentChat(initialAgentChatState([saved]), {
      type: 'resume',
      assistantId: 'x',
      runId: 'run-1',
    });
    expect(state.status).toBe('awaiting-approval');
    expect(assistant(state, 'a1')).toMatchObject({ outcome: undefined, error: undefined });
  });
});

describe('reduceAgentChat: actions that change nothing return the state itself', () => {
  const state = fold([send(1), events('a1', text('x'))]);
  const nothing: [string, AgentChatAction][] = [
    ['an empty batch', events('a1')],
    [
      'an answer to an approval nobody asked',
      {
        type: 'approval-answered',
        approvalId: 'nope',
        decision: 'approve',
      },
    ],
    ['a question gone that nobody asked', { type: 'elicitation-gone', id: 'nope' }],
    ['an action type from a newer page', { type: 'from-the-future' } as unknown as AgentChatAction],
  ];
  it.each(nothing)('%s', (_, action) => {
    expect(reduceAgentChat(state, action)).toBe(state);
  });
});
