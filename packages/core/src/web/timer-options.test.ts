import { describe, expect, it } from 'vitest';
import { thrownBy } from '../chat/__fixtures__/chat-fixtures.ts';
import type { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createApprovalBroker } from './approval-broker.ts';
import { createReplayBuffer } from './replay-buffer.ts';

// The web helpers' options that become a timer are checked with timerOption
// (options/positive-option.ts): past setTimeout's limit Node fires the timer at once.

describe("the web helpers' time options", () => {
  it('is what the approval broker and the replay buffer check their times with', () => {
    const broker = thrownBy(() => createApprovalBroker({ timeoutMs: 3e9 }));
    expect((broker as InvalidArgumentError).argument).toBe('timeoutMs');
    for (const option of ['ttlMs', 'reconnectWindowMs'] as const) {
      const buffer = thrownBy(() => createReplayBuffer({ [option]: 3e9 }));
      expect((buffer as InvalidArgumentError).argument).toBe(option);
    }
    // Their counts are not times: a large one is taken.
    expect(() => createApprovalBroker({ maxPending: 3e9 })).not.toThrow();
  });
});
