import type { BrowserEvent } from '@gemloop/client';
import { describe, expect, it } from 'vitest';
import type { AssistantChatMessage, ChatToolCall } from './agent-chat-message.ts';
import { createMessageDraft } from './message-draft.ts';

// The working copy of the streaming message, fed events one batch at a time as the reducer does:
// what a batch leaves untouched, the order of step texts, what a late or repeated event may not
// undo, and the message React still renders staying as it was.

const empty = (extra: Partial<AssistantChatMessage> = {}): AssistantChatMessage => ({
  id: 'a1',
  role: 'assistant',
  text: '',
  thoughts: '',
  toolCalls: [],
  approvals: [],
  ...extra,
});

/** `message` after one batch of `events` (trusted well-formed, as the reducer checks first). */
const applied = (message: AssistantChatMessage, events: object[]): AssistantChatMessage => {
  const draft = createMessageDraft(message);
  for (const event of events) draft.apply(event as BrowserEvent);
  return draft.done();
};

const delta = (stepNumber: unknown, text: string, path: string[] = []) => ({
  type: 'text-delta',
  path,
  stepNumber,
  text,
});
const retraction = (stepNumber: number, text: string) => ({
  type: 'text-retraction',
  path: [],
  stepNumber,
  text,
});
const call = (toolCallId: string, path: string[] = [], toolName = 'send') => ({
  type: 'tool-call',
  path,
  stepNumber: 1,
  toolCallId,
  toolName,
  args: { to: 'x' },
});
const result = (toolCallId: string, outcome = 'success', path: string[] = []) => ({
  type: 'tool-result',
  path,
  stepNumber: 1,
  toolCallId,
  toolName: 'send',
  outcome,
  preview: outcome === 'success' ? '"ok"' : undefined,
  error: outcome === 'success' ? undefined : 'no',
});
const pending = (approvalId: string, toolCallId: string, path: string[] = []) => ({
  type: 'approval-pending',
  path,
  approvalId,
  stepNumber: 1,
  toolCallId,
  toolName: 'send',
  args: { to: 'x' },
});
const resolved = (approvalId: string, decision: 'approve' | 'deny') => ({
  type: 'approval-resolved',
  path: [],
  approvalId,
  decision,
});
const chatCall = (toolCallId: string, status: ChatToolCall['status']): ChatToolCall => ({
  toolCallId,
  toolName: 'send',
  path: [],
  stepNumber: 1,
  args: {},
  status,
});
const usage = (inputTokens: number, outputTokens: number) => ({
  inputTokens,
  outputTokens,
  thoughtsTokens: 1,
  cachedTokens: 0,
  totalTokens: inputTokens + outputTokens + 1,
});
const asked = (id: string, data: Record<string, unknown> = {}) => ({
  type: 'plugin',
  path: [],
  plugin: 'mcp-requests',
  kind: 'elicitation-pending',
  data: { id, mode: 'form', server: 's', message: 'Which?', ...data },
});

describe('createMessageDraft', () => {
  it('returns the message itself when the batch changed nothing (React skips the render)', () => {
    const message = empty({ text: 'Hi' });
    const untouched = [
      { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' },
      delta(1, 'inner', ['researcher']),
      { type: 'thought-delta', path: ['researcher'], stepNumber: 1, text: 'inner' },
      { ...retraction(1, 'x'), path: ['researcher'] },
      { type: 'step-finish', path: ['researcher'], stepNumber: 1, usage: usage(1, 1) },
      resolved('nobody-asked', 'approve'),
      { type: 'plugin', path: [], plugin: 'another', kind: 'elicitation-pending', data: {} },
      { type: 'plugin', path: [], plugin: 'mcp-requests', kind: 'elicitation-resolved', data: {} },
    ];
    expect(applied(message, untouched)).toBe(message);
    expect(applied(message, [])).toBe(message);
  });

  it('leaves the message it was made from as it was: every change lands on a copy', () => {
    const message = empty({
      text: 'A',
      stepTexts: [{ stepNumber: 1, text: 'A' }],
      toolCalls: [chatCall('c1', 'pending')],
      approvals: [{ approvalId: 'p1', toolCallId: 'c1', toolName: 'send', path: [], args: {} }],
      elicitations: [],
    });
    const before = structuredClone(message);
    const next = applied(message, [
      delta(1, 'B'),
      retraction(1, 'C'),
      resolved('p1', 'approve'),
      result('c1'),
      asked('e1'),
      { type: 'step-finish', path: [], stepNumber: 1, usage: usage(2, 3) },
    ]);
    expect(message).toEqual(before);
    expect(next).toMatchObject({ text: 'C', approvals: [], toolCalls: [{ status: 'done' }] });
  });

  // leftovers76: read as step 0, such a delta went before the later steps' text already shown.
  it('a delta without a usable step number continues the last step (step 0 before any)', () => {
    const message = applied(empty(), [
      delta(2, 'two '),
      delta(undefined, 'more '),
      delta(1, 'one '),
    ]);
    expect(message.stepTexts).toEqual([
      { stepNumber: 1, text: 'one ' },
      { stepNumber: 2, text: 'two more ' },
    ]);
    expect(message.text).toBe('one two more ');
    const infinite = applied(empty(), [delta(Number.POSITIVE_INFINITY, 'x'), delta(3, 'y')]);
    expect(infinite.stepTexts?.map((step) => step.stepNumber)).toEqual([0, 3]);
  });

  it('a message saved without its step texts keeps its text when a late step or a retraction comes', () => {
    const saved = empty({ text: 'Earlier answer. ' });
    const late = applied(saved, [delta(2, 'two '), delta(1, 'one ')]);
    expect(late.text).toBe('Earlier answer. one two ');
    expect(late.stepTexts).toEqual([
      { stepNumber: -1, text: 'Earlier answer. ' },
      { stepNumber: 1, text: 'one ' },
      { stepNumber: 2, text: 'two ' },
    ]);
    const retracted = applied(saved, [retraction(3, 'Three.')]);
    expect(retracted.text).toBe('Earlier answer. Three.');
    // In order, it appends as before.
    expect(applied(saved, [delta(1, 'more')]).text).toBe('Earlier answer. more');
  });

  it('a step that comes back after a later one adds to its own text, across batches', () => {
    const first = applied(empty(), [delta(1, 'a'), delta(2, 'b')]);
    const second = applied(first, [delta(1, 'A'), delta(2, 'B'), delta(3, 'c')]);
    expect(second.text).toBe('aAbBc');
    expect(second.stepTexts).toEqual([
      { stepNumber: 1, text: 'aA' },
      { stepNumber: 2, text: 'bB' },
      { stepNumber: 3, text: 'c' },
    ]);
  });

  it('a retraction of the last step replaces only its text; one of an unseen step adds it in order', () => {
    const shown = applied(empty(), [delta(1, 'Hello. '), delta(3, 'Call 555-1234')]);
    const rewritten = applied(shown, [retraction(3, 'Call [phone]')]);
    expect(rewritten.text).toBe('Hello. Call [phone]');
    const inserted = applied(rewritten, [retraction(2, 'Checking. ')]);
    expect(inserted.text).toBe('Hello. Checking. Call [phone]');
    // And text after a retraction of the last step appends to what replaced it.
    expect(applied(rewritten, [delta(3, '.')]).text).toBe('Hello. Call [phone].');
  });

  it('thoughts grow with the run`s own thought deltas only', () => {
    const message = applied(empty({ thoughts: 'Before. ' }), [
      { type: 'thought-delta', path: [], stepNumber: 1, text: 'Mine.' },
      { type: 'thought-delta', path: ['child'], stepNumber: 1, text: 'Theirs.' },
    ]);
    expect(message.thoughts).toBe('Before. Mine.');
    expect(message.text).toBe('');
  });

  it('a second tool-call with a known id and path updates that call; another path is another call', () => {
    const message = applied(empty(), [
      call('c1'),
      { ...call('c1'), toolName: 'send_v2', args: { to: 'y' } },
      call('c1', ['child']),
    ]);
    expect(message.toolCalls.map((each) => [each.path, each.toolName, each.args])).toEqual([
      [[], 'send_v2', { to: 'y' }],
      [['child'], 'send', { to: 'x' }],
    ]);
  });

  it('finds calls by id across batches, in a message that held two calls with one key (the first)', () => {
    const twice = empty({
      toolCalls: [chatCall('c1', 'running'), chatCall('c1', 'running')],
    });
    const message = applied(twice, [result('c1')]);
    expect(message.toolCalls.map((each) => each.status)).toEqual(['done', 'running']);
  });

  it('an approval before its call: the call shows pending with the approval`s name and args', () => {
    const message = applied(empty(), [pending('p1', 'c7')]);
    expect(message.toolCalls).toEqual([
      {
        toolCallId: 'c7',
        toolName: 'send',
        path: [],
        stepNumber: 1,
        args: { to: 'x' },
        status: 'pending',
      },
    ]);
    expect(message.approvals.map((approval) => approval.approvalId)).toEqual(['p1']);
    // Its tool-call, late, keeps it waiting.
    expect(applied(message, [call('c7')]).toolCalls[0]?.status).toBe('pending');
  });

  it('an approval that came twice shows once; resolving one of two keeps the other in place', () => {
    const message = applied(empty(), [
      pending('p1', 'c1'),
      pending('p2', 'c2'),
      pending('p1', 'c1'),
      pending('p3', 'c3'),
    ]);
    expect(message.approvals.map((approval) => approval.approvalId)).toEqual(['p1', 'p2', 'p3']);
    const later = applied(message, [resolved('p2', 'deny'), resolved('p2', 'deny')]);
    expect(later.approvals.map((approval) => approval.approvalId)).toEqual(['p1', 'p3']);
    // Resolved within the same batch it was asked in: nothing waits.
    const quick = applied(empty(), [pending('p9', 'c9'), resolved('p9', 'approve')]);
    expect(quick.approvals).toEqual([]);
    expect(quick.toolCalls[0]?.status).toBe('running');
  });

  it('an approval resolved after its call ended leaves the call as it ended', () => {
    const message = applied(empty(), [pending('p1', 'c1'), result('c1', 'aborted')]);
    expect(message.toolCalls[0]?.status).toBe('error');
    const late = applied(message, [resolved('p1', 'approve')]);
    expect(late.approvals).toEqual([]);
    expect(late.toolCalls[0]).toMatchObject({ status: 'error', outcome: 'aborted' });
  });

  it('adds each own step`s usage to what the message had; finish`s usage replaces the sum', () => {
    const message = applied(empty({ usage: usage(10, 5) }), [
      { type: 'step-finish', path: [], stepNumber: 2, usage: usage(1, 2) },
      { type: 'step-finish', path: [], stepNumber: 3 },
    ]);
    expect(message.usage).toEqual({
      inputTokens: 11,
      outputTokens: 7,
      thoughtsTokens: 2,
      cachedTokens: 0,
      totalTokens: 20,
    });
    const finished = (finishUsage: unknown) =>
      applied(message, [
        {
          type: 'finish',
          path: [],
          outcome: 'completed',
          finishReason: 'stop',
          usage: finishUsage,
        },
      ]).usage;
    expect(finished(usage(40, 2))).toEqual(usage(40, 2));
    // A finish without usage (or `null` from another encoder) keeps the steps' sum.
    expect(finished(undefined)).toEqual(message.usage);
    expect(finished(null)).toEqual(message.usage);
  });

  it('finish ends the run: its outcome and reason, no approval or question left waiting', () => {
    const waiting = applied(empty(), [pending('p1', 'c1'), asked('e1')]);
    expect(waiting.elicitations).toHaveLength(1);
    const ended = applied(waiting, [
      { type: 'finish', path: [], outcome: 'aborted', finishReason: undefined },
    ]);
    expect(ended).toMatchObject({ outcome: 'aborted', approvals: [], elicitations: [] });
    expect(ended.finishReason).toBeUndefined();
    // A message that never had questions does not gain an empty list.
    const plain = applied(empty(), [{ type: 'finish', path: [], outcome: 'completed' }]);
    expect(plain).not.toHaveProperty('elicitations');
  });

  it('an error event is kept on the message; start sets the run id', () => {
    const error = { name: 'ApiCallError', code: 'quota', message: 'Out of quota.' };
    const message = applied(empty(), [
      { type: 'start', path: [], runId: 'run-7', protocol: 1 },
      { type: 'error', path: [], error },
    ]);
    expect(message).toMatchObject({ runId: 'run-7', error });
  });

  it('a question keeps only well-formed tool calls and fields, and a string host', () => {
    const message = applied(empty(), [
      asked('e1', {
        toolCalls: [{ toolCallId: 'c1', toolName: 'book' }, { toolCallId: 1 }, null, 'c2'],
        fields: [
          { name: 'people', type: 'integer', required: true },
          { name: 'note', type: 'string' },
          { name: 7, type: 'string', required: false },
          null,
        ],
        host: 42,
      }),
    ]);
    expect(message.elicitations).toEqual([
      {
        id: 'e1',
        path: [],
        mode: 'form',
        server: 's',
        message: 'Which?',
        toolCalls: [{ toolCallId: 'c1', toolName: 'book' }],
        fields: [{ name: 'people', type: 'integer', required: true }],
      },
    ]);
  });

  it('a question without an id, a known mode, a server or a message is not shown', () => {
    const malformed = [
      { id: 1 },
      { mode: 'email' },
      { server: undefined },
      { message: ['Which?'] },
      { toolCalls: 'none', fields: 'none' },
    ];
    const shown = malformed.map((data) => applied(empty(), [asked('e1', data)]).elicitations);
    // The last one is well-formed: lists that are not arrays are read as none given.
    expect(shown).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      [{ id: 'e1', path: [], mode: 'form', server: 's', message: 'Which?', toolCalls: [] }],
    ]);
    const noData = {
      type: 'plugin',
      path: [],
      plugin: 'mcp-requests',
      kind: 'elicitation-pending',
    };
    expect(applied(empty(), [noData]).elicitations).toBeUndefined();
  });

  it('a question answered removes only its own; two asked in one batch both show', () => {
    const both = applied(empty(), [asked('e1'), asked('e2', { mode: 'url', host: 'pay.example' })]);
    expect(both.elicitations?.map((each) => each.id)).toEqual(['e1', 'e2']);
    const one = applied(both, [
      {
        type: 'plugin',
        path: [],
        plugin: 'mcp-requests',
        kind: 'elicitation-resolved',
        data: { id: 'e1', action: 'decline' },
      },
    ]);
    expect(one.elicitations).toEqual([
      {
        id: 'e2',
        path: [],
        mode: 'url',
        server: 's',
        message: 'Which?',
        toolCalls: [],
        host: 'pay.example',
      },
    ]);
  });
});
