import { describe, expect, it } from 'vitest';
import type { AgentChatMessage, AgentChatState, ChatApproval } from './agent-chat-message.ts';
import { initialAgentChatState, reduceAgentChat } from './reduce-agent-chat.ts';

// A server that sends many approvals of distinct ids, each in a read of its own (one action per
// event). Each action built the id map of the message's approvals anew, a `Map` entry per approval
// held: n actions, n²/2 entries. Measured (client2, load 11): 5,000, 10,000 and 20,000 pending
// approvals one an action took 1.6 s, 17.6 s and 103 s; the same number of tool calls (whose map
// is carried, client68) 0.5 s, 5.4 s and 25 s. Counted, not timed: the saved approvals here count
// the reads of their `approvalId`, which building the map makes.

function countedApproval(index: number, reads: { count: number }): ChatApproval {
  const approval: ChatApproval = {
    approvalId: `saved${index}`,
    toolCallId: `s${index}`,
    toolName: 't',
    path: [],
    args: {},
  };
  return new Proxy(approval, {
    get(target, property, receiver) {
      if (property === 'approvalId') reads.count += 1;
      return Reflect.get(target, property, receiver);
    },
  });
}

function readsMade(saved: number, actions: number): { state: AgentChatState; count: number } {
  const reads = { count: 0 };
  const messages: AgentChatMessage[] = [
    { id: 'u1', role: 'user', text: 'Go' },
    {
      id: 'a1',
      role: 'assistant',
      runId: 'run-1',
      text: '',
      thoughts: '',
      toolCalls: [],
      approvals: Array.from({ length: saved }, (_, index) => countedApproval(index, reads)),
    },
  ];
  let state = reduceAgentChat(initialAgentChatState(messages), {
    type: 'resume',
    assistantId: 'a9',
    runId: 'run-1',
  });
  reads.count = 0;
  for (let index = 0; index < actions; index++) {
    state = reduceAgentChat(state, {
      type: 'event',
      messageId: 'a1',
      event: {
        type: 'approval-pending',
        path: [],
        approvalId: `p${index}`,
        stepNumber: 0,
        toolCallId: `c${index}`,
        toolName: 't',
        args: {},
      },
    });
  }
  return { state, count: reads.count };
}

describe('reduceAgentChat: an approval found by its id without the map rebuilt each action', () => {
  it('reads of the approvals held do not grow with the actions', () => {
    const few = readsMade(500, 100);
    const many = readsMade(500, 400);
    const approvals = (state: AgentChatState) =>
      (state.messages[1] as { approvals: ChatApproval[] }).approvals;
    expect(approvals(many.state)).toHaveLength(900);
    expect(many.state.status).toBe('awaiting-approval');
    // Rebuilt per action: 4x (100 and 400 builds of 500). Carried: built once in each.
    expect(many.count / few.count).toBeLessThan(1.5);
  });

  it('two reductions from one state (StrictMode) give the same result, each branch its own', () => {
    const ids = (state: AgentChatState) =>
      (state.messages[1] as { approvals: ChatApproval[] }).approvals.map((each) => each.approvalId);
    const pending = (id: string) => ({
      type: 'approval-pending',
      path: [],
      approvalId: id,
      stepNumber: 0,
      toolCallId: `call-${id}`,
      toolName: 't',
      args: {},
    });
    const resolved = (id: string) => ({
      type: 'approval-resolved',
      path: [],
      approvalId: id,
      decision: 'deny',
    });
    let state = readsMade(0, 0).state;
    for (const id of ['p0', 'p1', 'p2', 'p3']) {
      state = reduceAgentChat(state, { type: 'event', messageId: 'a1', event: pending(id) });
    }
    const action = (id: string) =>
      ({ type: 'events', messageId: 'a1', events: [resolved('p1'), pending(id)] }) as const;
    const first = reduceAgentChat(state, action('x'));
    const second = reduceAgentChat(state, action('y'));
    const again = reduceAgentChat(state, action('x'));
    expect(again.messages[1]).toEqual(first.messages[1]);
    expect(ids(first)).toEqual(['p0', 'p2', 'p3', 'x']);
    expect(ids(second)).toEqual(['p0', 'p2', 'p3', 'y']);
    // Each branch goes on from its own list: `x` is known in the first only, `p1` in neither.
    const next = (from: AgentChatState, events: unknown[]) =>
      ids(reduceAgentChat(from, { type: 'events', messageId: 'a1', events }));
    expect(next(first, [resolved('x'), pending('p1')])).toEqual(['p0', 'p2', 'p3', 'p1']);
    expect(next(second, [resolved('y'), pending('x'), resolved('p0')])).toEqual(['p2', 'p3', 'x']);
    expect(next(state, [resolved('p3')])).toEqual(['p0', 'p1', 'p2']);
  });
});
