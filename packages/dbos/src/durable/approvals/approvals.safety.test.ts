import { DBOS } from '@dbos-inc/dbos-sdk';
import type { BeforeToolCallContext } from '@gemloop/core/agent';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApprovalHook } from './approvals.ts';
import { lookupApproval } from './run-pauses.ts';

// A durable agent's approval hook: a call whose safety decision asks for a person's confirmation
// (computer use's `safety_decision: require_confirmation`) waits for an approval even when
// `needsApproval` does not list it, and the pending call carries the explanation.

vi.mock('./run-pauses.ts', () => ({ lookupApproval: vi.fn(), markPaused: vi.fn() }));

const events: [string, unknown][] = [];
beforeEach(() => {
  events.length = 0;
  vi.spyOn(DBOS, 'workflowID', 'get').mockReturnValue('run-1');
  vi.spyOn(DBOS, 'setEvent').mockImplementation(async (key, value) => {
    events.push([key, value]);
  });
  vi.spyOn(DBOS, 'runStep').mockImplementation(async (body) => body());
  vi.mocked(lookupApproval).mockClear();
  vi.mocked(lookupApproval).mockResolvedValue({
    type: 'decided',
    decision: { type: 'approve' },
  } as Awaited<ReturnType<typeof lookupApproval>>);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function call(safetyDecision: BeforeToolCallContext['safetyDecision']): BeforeToolCallContext {
  return {
    toolName: 'click_at',
    toolCallId: 'c1',
    args: { x: 1, y: 2 },
    rawArgs: { x: 1, y: 2 },
    stepNumber: 1,
    callIndex: 0,
    contents: [],
    signal: new AbortController().signal,
    path: [],
    safetyDecision,
  };
}

describe('createApprovalHook and safety decisions', () => {
  const { hook } = createApprovalHook({
    needsApproval: ['refund'],
    userHook: undefined,
    timeoutMs: 1000,
    flush: async () => {},
    pauser: { pool: {} as never, stop: async () => {}, resume: async () => {} },
    stateOf: () => undefined,
  });

  it('asks for an approval for a require_confirmation call not in needsApproval, with the explanation', async () => {
    const decision = { decision: 'require_confirmation', explanation: 'Accepts cookies.' };
    await expect(hook?.(call(decision))).resolves.toEqual({ type: 'approve' });
    expect(lookupApproval).toHaveBeenCalledTimes(1);
    expect(events[0]?.[1]).toMatchObject({
      status: 'pending',
      toolName: 'click_at',
      safetyDecision: decision,
    });
  });

  it('asks for an approval for a call a tool guardrail asked about (ask), not in needsApproval', async () => {
    await expect(hook?.({ ...call(undefined), askedBy: 'payments-policy' })).resolves.toEqual({
      type: 'approve',
    });
    expect(lookupApproval).toHaveBeenCalledTimes(1);
    expect(events[0]?.[1]).toMatchObject({ status: 'pending', toolName: 'click_at' });
  });

  it('leaves an ordinary call alone', async () => {
    await expect(hook?.(call(undefined))).resolves.toBeUndefined();
    expect(lookupApproval).not.toHaveBeenCalled();
  });
});
