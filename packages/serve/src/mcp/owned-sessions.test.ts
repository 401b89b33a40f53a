import { createAgent, createGemini } from '@gemloop/core';
import { createMemoryHistoryStore } from '@gemloop/core/chat';
import { describe, expect, it } from 'vitest';
import { createOwnedSessions } from './owned-sessions.ts';

// The MCP door's named chat sessions, on their own: one space of ids per caller and agent, one send
// at a time per session, and the bound that forgets the least recently used idle session.
// (create-mcp-server.test.ts drives them through MCP.)

const agent = createAgent({
  gemini: createGemini({
    apiKey: 'k',
    fetch: () => Promise.reject(new Error('no model call here')),
  }),
  model: 'gemini-2.5-flash',
  telemetry: false,
});

function sessions(max = 10) {
  const errors: unknown[] = [];
  return {
    sessions: createOwnedSessions({
      store: createMemoryHistoryStore(),
      max,
      onError: (error) => errors.push(error),
    }),
    errors,
  };
}
const opened = (value: ReturnType<ReturnType<typeof createOwnedSessions>['open']>) => {
  if ('refused' in value) throw new Error(`refused: ${value.refused}`);
  return value;
};

describe('createOwnedSessions', () => {
  it('continues one session for the same caller, agent and id; refuses a second send while one runs', async () => {
    const { sessions: made } = sessions();
    const first = opened(made.open('s1', 'alice', 'support', agent));
    expect(made.open('s1', 'alice', 'support', agent)).toEqual({ refused: 'busy' });
    await first.release();
    const again = opened(made.open('s1', 'alice', 'support', agent));
    expect(again.chat.id).toBe(first.chat.id);
    await again.release();
  });

  it('another caller, or another agent, with the same id opens a session of its own', async () => {
    const { sessions: made } = sessions();
    const alice = opened(made.open('s1', 'alice', 'support', agent));
    const mallory = opened(made.open('s1', 'mallory', 'support', agent));
    const otherAgent = opened(made.open('s1', 'alice', 'billing', agent));
    expect(new Set([alice.chat.id, mallory.chat.id, otherAgent.chat.id]).size).toBe(3);
    // The store key is not the caller's id.
    expect(alice.chat.id).not.toContain('s1');
    await Promise.all([alice.release(), mallory.release(), otherAgent.release()]);
  });

  it('past the bound forgets the least recently used idle session, never a busy one', async () => {
    const { sessions: made } = sessions(2);
    const a = opened(made.open('a', 'alice', 'support', agent));
    await a.release();
    const b = opened(made.open('b', 'alice', 'support', agent));
    // `a` used again: `b` (still busy) is older but cannot go; `a` is the most recent.
    const aAgain = opened(made.open('a', 'alice', 'support', agent));
    expect(aAgain.chat.id).toBe(a.chat.id);
    const c = opened(made.open('c', 'alice', 'support', agent));
    // All three busy: over the bound until one is released.
    expect(made.size).toBe(3);
    await aAgain.release();
    expect(made.size).toBe(2);
    // `a` went (idle and oldest after `b`, which is busy): its id opens a new session.
    await Promise.all([b.release(), c.release()]);
    const aNew = opened(made.open('a', 'alice', 'support', agent));
    expect(aNew.chat.id).not.toBe(a.chat.id);
    await aNew.release();
  });
});
