import { describe, expect, it } from 'vitest';
import { answer, streaming } from './__fixtures__/streaming-chat.ts';
import type { AgentChatState } from './agent-chat-message.ts';
import { reduceAgentChat } from './reduce-agent-chat.ts';

// A proxy that reorders events, or a resumed stream that starts between the two, hands the page an
// approval's `approval-resolved` before its `approval-pending`. The resolution found nothing to
// remove and was dropped; the pending that followed showed Approve/Deny buttons (and the chat
// `awaiting-approval`) for an approval nobody waits for, until the run's `finish`.

const event = (state: AgentChatState, each: unknown): AgentChatState =>
  reduceAgentChat(state, { type: 'event', messageId: 'a1', event: each });

const pending = (approvalId: string, toolCallId: string) => ({
  type: 'approval-pending',
  path: [],
  approvalId,
  stepNumber: 0,
  toolCallId,
  toolName: 'deploy',
  args: {},
});
const resolved = (approvalId: string, decision: 'approve' | 'deny') => ({
  type: 'approval-resolved',
  path: [],
  approvalId,
  decision,
});

describe('reduceAgentChat: an approval resolved before it was pending', () => {
  it('shows no buttons for it, in separate actions, and the approved call runs', () => {
    let state = event(streaming(), resolved('ap1', 'approve'));
    state = event(state, pending('ap1', 'c1'));
    expect(answer(state).approvals).toEqual([]);
    expect(state.status).toBe('streaming');
    expect(answer(state).toolCalls.map((call) => [call.toolCallId, call.status])).toEqual([
      ['c1', 'running'],
    ]);
  });

  it('in one batch too; a denied one stays pending until its result, others still show', () => {
    const state = reduceAgentChat(streaming(), {
      type: 'events',
      messageId: 'a1',
      events: [resolved('ap1', 'deny'), pending('ap2', 'c2'), pending('ap1', 'c1')],
    });
    expect(answer(state).approvals.map((approval) => approval.approvalId)).toEqual(['ap2']);
    expect(state.status).toBe('awaiting-approval');
    expect(answer(state).toolCalls.map((call) => [call.toolCallId, call.status])).toEqual([
      ['c2', 'pending'],
      ['c1', 'pending'],
    ]);
  });

  it('the memory survives an answer from this page and a gone approval in between', () => {
    let state = event(streaming(), pending('ap2', 'c2'));
    state = event(state, resolved('ap1', 'approve'));
    state = reduceAgentChat(state, {
      type: 'approval-answered',
      approvalId: 'ap2',
      decision: 'approve',
    });
    state = reduceAgentChat(state, { type: 'approval-gone', approvalId: 'ap2' });
    state = event(state, pending('ap1', 'c1'));
    expect(answer(state).approvals).toEqual([]);
    expect(state.status).toBe('streaming');
  });

  it('remembers a bounded number of early resolutions, the latest ones', () => {
    let state = streaming();
    // A server that resolves 100,000 approvals it never announces: the memory stays bounded.
    state = reduceAgentChat(state, {
      type: 'events',
      messageId: 'a1',
      events: Array.from({ length: 100_000 }, (_, index) => resolved(`x${index}`, 'deny')),
    });
    state = event(state, pending('x99999', 'c1'));
    expect(answer(state).approvals).toEqual([]);
    // The oldest is forgotten: its pending shows (the run would wait for it in any case).
    state = event(state, pending('x0', 'c0'));
    expect(answer(state).approvals.map((approval) => approval.approvalId)).toEqual(['x0']);
  });

  it('two reductions from one state give the same result (StrictMode)', () => {
    const from = event(streaming(), resolved('ap1', 'approve'));
    const once = event(from, pending('ap1', 'c1'));
    const twice = event(from, pending('ap1', 'c1'));
    expect(answer(twice)).toEqual(answer(once));
    expect(answer(twice).approvals).toEqual([]);
  });

  it('an early resolution alone changes nothing shown: the same state, nothing saved of it', () => {
    const from = streaming();
    const after = event(from, resolved('ap1', 'approve'));
    expect(after).toBe(from);
    expect(JSON.stringify(after.messages)).toBe(JSON.stringify(streaming().messages));
  });
});
