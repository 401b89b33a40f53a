import { describe, expect, it } from 'vitest';
import type { FakeState } from '../state/fake-state.ts';
import { agentBackgroundRule, refuseBackground } from './fake-agent-rules.ts';

// Each agent's rule on `background`: Deep Research needs it, Antigravity refuses it, a managed
// agent follows its base agent, an unknown agent is a 404.

function stateWith(agents: Record<string, Record<string, unknown>> = {}): FakeState {
  return {
    agents: new Map(Object.entries(agents)),
    prettyJson: false,
    options: {},
  } as unknown as FakeState;
}
const errorOf = (reply: ReturnType<typeof refuseBackground>) =>
  reply === undefined
    ? undefined
    : { status: reply.status, body: JSON.parse(reply.pieces[0] ?? '') };

describe('agentBackgroundRule', () => {
  it('knows the built-in agents by prefix', () => {
    const state = stateWith();
    expect(agentBackgroundRule(state, 'deep-research-pro-preview-12-2025')).toBe('needs');
    expect(agentBackgroundRule(state, 'antigravity-preview')).toBe('refuses');
    expect(agentBackgroundRule(state, 'unknown-agent')).toBeUndefined();
  });

  it('follows a managed agent to its base agent, through several levels', () => {
    const state = stateWith({
      mine: { base_agent: 'team' },
      team: { base_agent: 'deep-research-pro' },
      plain: {},
      blank: { base_agent: '' },
      odd: { base_agent: 42 },
    });
    expect(agentBackgroundRule(state, 'mine')).toBe('needs');
    expect(agentBackgroundRule(state, 'plain')).toBe('none');
    expect(agentBackgroundRule(state, 'blank')).toBe('none');
    expect(agentBackgroundRule(state, 'odd')).toBe('none');
  });

  it('ends on a cycle of managed agents instead of looping', () => {
    const state = stateWith({
      a: { base_agent: 'b' },
      b: { base_agent: 'a' },
      self: { base_agent: 'self' },
    });
    expect(agentBackgroundRule(state, 'a')).toBe('none');
    expect(agentBackgroundRule(state, 'self')).toBe('none');
  });

  it('does not take prototype names as agents', () => {
    const state = stateWith();
    for (const name of ['__proto__', 'constructor', 'toString', '']) {
      expect(agentBackgroundRule(state, name), name).toBeUndefined();
    }
  });
});

describe('refuseBackground', () => {
  it('lets a body without an agent string through (a model interaction)', () => {
    const state = stateWith();
    expect(refuseBackground(state, {})).toBeUndefined();
    expect(refuseBackground(state, { agent: null, background: true })).toBeUndefined();
    expect(refuseBackground(state, { agent: ['deep-research'] })).toBeUndefined();
  });

  it('answers 404 NOT_FOUND for an agent it does not know, quoting the name', () => {
    expect(errorOf(refuseBackground(stateWith(), { agent: 'ghost 👻' }))).toEqual({
      status: 404,
      body: {
        error: expect.objectContaining({
          code: 404,
          status: 'NOT_FOUND',
          message: 'Agent ghost 👻 was not found.',
        }),
      },
    });
  });

  it('refuses Deep Research without background: true', () => {
    const state = stateWith();
    for (const background of [undefined, false, 'true', 1]) {
      expect(
        errorOf(refuseBackground(state, { agent: 'deep-research-x', background })),
      ).toMatchObject({
        status: 400,
        body: {
          error: {
            status: 'INVALID_ARGUMENT',
            message: 'Agent deep-research-x runs only in the background: set background: true.',
          },
        },
      });
    }
    expect(refuseBackground(state, { agent: 'deep-research-x', background: true })).toBeUndefined();
  });

  it('refuses background on Antigravity and the agents built on it', () => {
    const state = stateWith({ coder: { base_agent: 'antigravity' } });
    expect(errorOf(refuseBackground(state, { agent: 'coder', background: true }))).toMatchObject({
      status: 400,
      body: {
        error: { message: 'Agent coder does not run in the background: remove background.' },
      },
    });
    expect(refuseBackground(state, { agent: 'coder', background: false })).toBeUndefined();
    expect(refuseBackground(state, { agent: 'coder' })).toBeUndefined();
  });

  it('lets a managed agent with no rule run either way', () => {
    const state = stateWith({ helper: {} });
    expect(refuseBackground(state, { agent: 'helper', background: true })).toBeUndefined();
    expect(refuseBackground(state, { agent: 'helper' })).toBeUndefined();
  });
});
