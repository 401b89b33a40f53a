import { AgentBackgroundError } from '../errors/interactions/agent-background-error.ts';

// Google's built-in agents and their rule on `background`:
// - Deep Research runs only in the background: "background=True is required" for it
//   (ai.google.dev/gemini-api/docs/deep-research; the fake has refused it since gemloop served
//   the Interactions API).
// - Antigravity (`antigravity-preview-05-2026`, ai.google.dev/gemini-api/docs/antigravity-agent)
//   is called unary or streamed with `environment`; Google's page shows no background call, and
//   agno's GeminiInteractions documents "Antigravity runs in the foreground (no background
//   mode)" (docs.agno.com/examples/models/google/gemini-interactions/antigravity). Google does not
//   state the refusal in what we could read: the rule here follows agno's finding, and is one
//   line to drop if Google lifts it.
// A managed agent of the user's (`agents.create({ id, base_agent })`) inherits its base agent's
// rule; only the server knows the base of an id it did not see made, so that case is the
// server's (and the fake's) to refuse.
const NEEDS_BACKGROUND = /^deep-research/;
const REFUSES_BACKGROUND = /^antigravity/;

/**
 * The rule on `background` of a built-in agent (or a managed agent whose base agent is given):
 * `'needs-background'`, `'refuses-background'`, or `undefined` when the name tells none.
 * @internal
 */
export function backgroundRuleOf(agent: string): AgentBackgroundError['rule'] | undefined {
  if (NEEDS_BACKGROUND.test(agent)) return 'needs-background';
  if (REFUSES_BACKGROUND.test(agent)) return 'refuses-background';
  return undefined;
}

/**
 * Throws {@link AgentBackgroundError} when `agent`'s rule refuses `background` as given: before
 * a request that the server would refuse is sent (or, for a trigger, scheduled).
 * @internal
 */
export function checkAgentBackground(
  agent: string,
  background: unknown,
  argument = 'request',
): void {
  const rule = backgroundRuleOf(agent);
  if (rule === 'needs-background' && background !== true) {
    throw new AgentBackgroundError({ agent, rule, argument });
  }
  if (rule === 'refuses-background' && background === true) {
    throw new AgentBackgroundError({ agent, rule, argument });
  }
}
