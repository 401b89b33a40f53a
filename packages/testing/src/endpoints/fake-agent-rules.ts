import { googleError } from '../script/fake-errors.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeReply, FakeState } from '../state/fake-state.ts';

// Each agent's rule on `background` as the API applies it (Deep Research needs it, Antigravity
// refuses it, a managed agent follows its base agent): shared by the Interactions routes and the
// triggers, which create interactions too.

type Json = Record<string, unknown>;

/**
 * The rule on `background` of `agent` as the API applies it: a built-in agent's own, a managed
 * agent's base agent's; `undefined` for an agent the fake does not know (404).
 * @internal
 */
export function agentBackgroundRule(
  state: FakeState,
  agent: string,
): 'needs' | 'refuses' | 'none' | undefined {
  let name = agent;
  for (let depth = 0; depth < 10; depth++) {
    if (/^deep-research/.test(name)) return 'needs';
    if (/^antigravity/.test(name)) return 'refuses';
    const managed = state.agents.get(name);
    if (managed === undefined) return undefined;
    const base = managed['base_agent'];
    if (typeof base !== 'string' || base === '') return 'none';
    name = base;
  }
  return 'none';
}

/**
 * The API's refusal of an interaction whose agent breaks its rule on `background` (Deep Research
 * needs it, Antigravity and the agents built on it refuse it); a 404 for an unknown agent.
 * @internal
 */
export function refuseBackground(state: FakeState, body: Json): FakeReply | undefined {
  const agent = body['agent'];
  if (typeof agent !== 'string') return undefined;
  const rule = agentBackgroundRule(state, agent);
  if (rule === undefined) {
    return jsonReply(
      state,
      googleError(404, `Agent ${agent} was not found.`, { status: 'NOT_FOUND' }),
    );
  }
  if (rule === 'needs' && body['background'] !== true) {
    return bad(state, `Agent ${agent} runs only in the background: set background: true.`);
  }
  if (rule === 'refuses' && body['background'] === true) {
    return bad(state, `Agent ${agent} does not run in the background: remove background.`);
  }
  return undefined;
}

function bad(state: FakeState, message: string): FakeReply {
  return jsonReply(state, googleError(400, message, { status: 'INVALID_ARGUMENT' }));
}
