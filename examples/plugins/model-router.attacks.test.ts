// A third party's `wrapModelCall` that sends a step to another model (a router written outside
// core, public imports only): the seam prepares the history for the model the step goes to, as a
// hand-off and `modelFallback` do. Gemini 3 refuses a call of the active loop without a thought
// signature (the fake's 400 "Function call is missing a thought_signature", as the API's), and a
// signature is bound to the model that made it. Against the fake Gemini on 127.0.0.1.
import { createAgent } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, lookup, MODES, outcome, serve } from './outside-attack-kit.ts';

const DUMMY = 'skip_thought_signature_validator';

/** A router: the run's second model call goes to `other`, the others to the agent's model. */
function secondCallTo(other: string) {
  return definePlugin<{ calls: number }>({
    name: 'router',
    startRun: () => ({ calls: 0 }),
    wrapModelCall: (call, next, run) => {
      run.state.calls += 1;
      return next(run.state.calls === 2 ? { ...call, model: other } : call);
    },
  });
}

type Body = { contents: { role: string; parts: Record<string, unknown>[] }[] };

/** The thought signature of the first function call of each model turn of `body`. */
function firstCallSignatures(body: unknown): unknown[] {
  return (body as Body).contents
    .filter((content) => content.role === 'model')
    .map((content) => content.parts.find((part) => part['functionCall'] !== undefined))
    .map((part) => part?.['thoughtSignature']);
}

describe('a third party’s wrapModelCall routing a step to another model', () => {
  const cases = [
    ['gemini-2.5-flash', 'gemini-3-flash-preview'],
    ['gemini-3-flash-preview', 'gemini-2.5-flash'],
    // The fake refuses one Gemini 3 model's signature sent to another (400 Invalid thought
    // signature), as the API does.
    ['gemini-3-flash-preview', 'gemini-3-pro-preview'],
  ] as const;
  for (const [agentModel, other] of cases) {
    for (const mode of MODES) {
      it(`${agentModel} routing its second call to ${other} (${mode}): each request signed for its model, the history verbatim`, async () => {
        const { fake, gemini } = await serve([
          turn.call('lookup', { q: 'Lyon' }),
          turn.call('lookup', { q: 'Nice' }),
          turn.text('Both looked up.'),
        ]);
        const agent = createAgent({
          gemini,
          model: agentModel,
          tools: [lookup],
          plugins: [secondCallTo(other)],
        });
        const { result, error } = await outcome(agent, mode, 'Look up Lyon and Nice.');
        expect(error, everything(error)).toBeUndefined();
        expect(result?.text).toBe('Both looked up.');
        const requests = fake.modelRequests;
        expect(requests.map((request) => request.url.includes(other))).toEqual([
          false,
          true,
          false,
        ]);
        const three = (model: string) => model.startsWith('gemini-3');
        // The second call (to `other`): the agent model's turn carries no signature of the
        // agent's model; the documented dummy where Gemini 3 needs one.
        expect(firstCallSignatures(requests[1]?.body)).toEqual([three(other) ? DUMMY : undefined]);
        // The third (back to the agent's model): its own turn as it made it (Gemini 3's own
        // signature kept), the other model's turn without the other's signature.
        const third = firstCallSignatures(requests[2]?.body);
        expect(third).toHaveLength(2);
        if (three(agentModel)) {
          expect(third[0]).toEqual(expect.any(String));
          expect(third[0]).not.toBe(DUMMY);
          expect(third[1]).toBe(DUMMY);
        } else expect(third).toEqual([undefined, undefined]);
        // The run's history keeps the other model's turn as it came: its own signature (a
        // Gemini 3 model's), none (a Gemini 2.5 model's; the dummy a Gemini 3 agent puts on the
        // turns it appends).
        const kept = firstCallSignatures({ contents: result?.contents ?? [] });
        if (three(other)) {
          expect(kept[1]).toEqual(expect.any(String));
          expect(kept[1]).not.toBe(DUMMY);
        } else expect(kept[1]).toBe(three(agentModel) ? DUMMY : undefined);
      });
    }
  }
});
