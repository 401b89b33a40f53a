// Events of one scripted run, as the server streams them to useAgentChat in the Chromium hook tests
// (packages/react/src/__fixtures__/hook-harness.tsx): shared by react-hook.test.ts and the attack
// files beside it.

/** The run's `start`: run `run-1`, protocol 1. */
export const hookStart = { type: 'start', path: [], runId: 'run-1', protocol: 1 };

/** A `text-delta` of step 1. */
export const hookText = (value: string) => ({
  type: 'text-delta',
  path: [],
  stepNumber: 1,
  text: value,
});

/** The run's `finish` with `outcome`. */
export const hookFinish = (outcome = 'completed') => ({
  type: 'finish',
  path: [],
  outcome,
  finishReason: 'stop',
  usage: undefined,
  cost: null,
});

/** Call `c1` of `send_email` waiting for approval `ap-1`. */
export const hookPending = {
  type: 'approval-pending',
  path: [],
  approvalId: 'ap-1',
  stepNumber: 1,
  toolCallId: 'c1',
  toolName: 'send_email',
  args: { to: 'me@example.com' },
};
