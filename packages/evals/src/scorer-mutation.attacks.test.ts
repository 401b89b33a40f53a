import { createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { supportAgent } from './__fixtures__/support-agent.ts';
import { runCanary } from './canary/run-canary.ts';
import { runEval } from './run-eval.ts';
import { defineScorer, type Scorer } from './scorer.ts';
import { toolTrajectory } from './scorers/tool-scorers.ts';

// attack43a: every scorer of an attempt was handed the same run output, and the canary kept that
// same object as the run's trajectory. A user's scorer that sorts `run.toolCalls` in place (to
// compare them in any order: `run.toolCalls.sort(...)`, a one-word slip from `[...run.toolCalls]`)
// reordered the calls for every scorer after it, so `toolTrajectory({ match: 'in-order' })` judged
// an order the run never had, and the canary compared sorted trajectories (a model that swapped
// two calls read as unchanged). Each scorer now gets its own copy of the output's lists and calls.

const sortsInPlace: Scorer = defineScorer('any-order', ({ run }) => {
  run.toolCalls.sort((a, b) => a.name.localeCompare(b.name));
  run.turns.reverse();
  return run.toolCalls.some((call) => call.name === 'cancel_subscription');
});

function fakeModel(order: (model: string) => string[]) {
  return createFakeGemini({
    models: 'pattern',
    script: (request) => {
      const body = JSON.stringify(request.body);
      const done = (body.match(/functionResponse/g) ?? []).length;
      const calls = order(request.model);
      const next = calls[done];
      return next === undefined ? turn.text('Cancelled.') : turn.call(next, { user: 'u1' });
    },
  });
}

describe('a scorer that changes the run output it is given', () => {
  it('changes nothing another scorer sees', async () => {
    const fake = fakeModel(() => ['send_email', 'cancel_subscription']);
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      const result = await runEval({
        mode: 'live',
        live: { gemini },
        cases: [
          {
            id: 'order',
            input: 'Cancel u1.',
            expected: {
              toolCalls: [{ name: 'send_email' }, { name: 'cancel_subscription' }],
            },
          },
        ],
        createAgent: ({ gemini: client }) => supportAgent(client, 'gemini-2.5-flash'),
        scorers: [sortsInPlace, toolTrajectory({ match: 'in-order' })],
      });
      expect(result.attempts[0]?.scores.map((score) => [score.scorer, score.pass])).toEqual([
        ['any-order', true],
        ['tool-trajectory(in-order)', true],
      ]);
    } finally {
      await fake.close();
    }
  });

  it("sorting the case's expected calls changes nothing another scorer or repeat sees", async () => {
    const fake = fakeModel(() => ['send_email', 'cancel_subscription']);
    const sortsExpected: Scorer = defineScorer('sorts-expected', ({ evalCase }) => {
      evalCase.expected?.toolCalls?.sort((a, b) => a.name.localeCompare(b.name));
      return true;
    });
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      const result = await runEval({
        mode: 'live',
        live: { gemini },
        repeats: 2,
        cases: [
          {
            id: 'order',
            input: 'Cancel u1.',
            expected: {
              toolCalls: [{ name: 'send_email' }, { name: 'cancel_subscription' }],
            },
          },
        ],
        createAgent: ({ gemini: client }) => supportAgent(client, 'gemini-2.5-flash'),
        scorers: [sortsExpected, toolTrajectory({ match: 'in-order' })],
      });
      expect(result.attempts.map((attempt) => attempt.status)).toEqual(['pass', 'pass']);
    } finally {
      await fake.close();
    }
  });

  it("changes nothing of the canary's trajectories: a swap of two calls is still a change", async () => {
    const fake = fakeModel((model) =>
      model === 'gemini-2.5-pro'
        ? ['cancel_subscription', 'send_email']
        : ['send_email', 'cancel_subscription'],
    );
    try {
      const gemini = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
      const result = await runCanary({
        live: { gemini },
        cases: [{ id: 'order', input: 'Cancel u1.' }],
        from: 'gemini-2.5-flash',
        to: 'gemini-2.5-pro',
        k: 10,
        createAgent: ({ gemini: client, model }) =>
          supportAgent(client, model ?? 'gemini-2.5-flash'),
        scorers: [sortsInPlace],
      });
      expect(result.cases[0]?.status).toBe('changed');
      expect(result.cases[0]?.from.trajectories[0]?.calls).toBe('send_email, cancel_subscription');
    } finally {
      await fake.close();
    }
  });
});
