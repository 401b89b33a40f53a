// A subscription-support agent and scripted models of it with seeded noise, for the canary.
import type { Agent, Gemini } from '@gemloop/core';
import { createAgent, createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, type FakeScriptRequest, turn } from '@gemloop/testing';

/** How a scripted model behaves on a case's first call: the chance of each optional step. */
export type SupportModelBehaviour = {
  /** The chance it looks the account up before cancelling. */
  lookup: number;
  /** The chance it sends a confirmation email after cancelling. */
  email: number;
  /** The chance it cancels at all (the rest answer "cancelled" without the call). @defaultValue 1 */
  cancel?: number;
};

const tool = (name: string) =>
  defineTool({
    name,
    description: `The ${name.replace('_', ' ')} tool.`,
    parameters: jsonSchema<{ user: string }>({
      type: 'object',
      properties: { user: { type: 'string' } },
      required: ['user'],
    }),
    execute: ({ user }) => ({ ok: true, user }),
  });

// Defined once: the canary's tests build an agent for each of their thousands of runs, and three
// tools defined again each time were about a twentieth of their CPU (bench/RESULTS.md,
// speed-units47). A tool is a read-only value, so every agent can hold the same ones.
const SUPPORT_TOOLS = [tool('lookup_account'), tool('cancel_subscription'), tool('send_email')];

/** The support agent on `model`. */
export function supportAgent(gemini: Gemini, model: string): Agent<unknown> {
  return createAgent({
    gemini,
    model,
    instructions: 'You handle subscription requests.',
    tools: SUPPORT_TOOLS,
    telemetry: false,
  }) as Agent<unknown>;
}

/** `count` single-input cases, `support-0` onward. */
export function supportCases(count: number, prefix = 'support'): { id: string; input: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    input: `Cancel the subscription of user u${index}.`,
  }));
}

/**
 * A fake whose every model behaves as `behaviourOf(model, caseInput)` says, each run drawing its
 * trajectory from a PRNG seeded by the model, the case and the run's place among that model's
 * runs of the case: two models with the same behaviour are identical but for noise, and a result
 * is the same on every run of the test (which run of a case gets which draw does not matter:
 * the canary compares the runs as a set).
 */
export function noisySupportModels(
  behaviourOf: (model: string, input: string) => SupportModelBehaviour,
  seed = 'canary',
): { fake: FakeGemini; gemini: Gemini } {
  const runs = new Map<string, number>();
  const fake = createFakeGemini({
    models: 'pattern',
    script: (request: FakeScriptRequest, context) => {
      if (context.functionResponses.length > 0) return turn.text('Your subscription is cancelled.');
      const input = context.lastUserText ?? '';
      const user = /user (u\d+)/.exec(input)?.[1] ?? 'u';
      const key = `${request.model}\u0000${input}`;
      const run = runs.get(key) ?? 0;
      runs.set(key, run + 1);
      const random = drawsOf(`${seed}\u0000${key}\u0000${run}`);
      const behaviour = behaviourOf(request.model, input);
      const calls: { name: string; args: Record<string, unknown> }[] = [];
      if (random() < behaviour.lookup) calls.push({ name: 'lookup_account', args: { user } });
      if (random() < (behaviour.cancel ?? 1)) calls.push({ name: 'cancel_subscription', args: { user } });
      if (random() < behaviour.email) calls.push({ name: 'send_email', args: { user } });
      return calls.length === 0 ? turn.text('Your subscription is cancelled.') : turn.calls(calls);
    },
  });
  return { fake, gemini: createGemini({ apiKey: 'test', fetch: fake.fetch, retry: false }) };
}

/**
 * Uniform draws in [0, 1) from a string seed (FNV-1a, then a 32-bit xorshift): the noise of one
 * run. Its own, not the canary's PRNG, so the models' noise and the test's shuffles are unrelated.
 */
function drawsOf(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  state ||= 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}
