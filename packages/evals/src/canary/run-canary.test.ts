import { InvalidArgumentError } from '@gemloop/core';
import type { FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  noisySupportModels,
  type SupportModelBehaviour,
  supportAgent,
  supportCases,
} from '../__fixtures__/support-agent.ts';
import { defineScorer } from '../scorer.ts';
import { formatCanary } from './format-canary.ts';
import { DEFAULT_CANARY_K, runCanary } from './run-canary.ts';

const OLD = 'gemini-2.5-flash';
const NEW = 'gemini-2.5-pro';
const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function models(
  behaviourOf: (model: string, input: string) => SupportModelBehaviour,
  seed?: string,
) {
  const made = noisySupportModels(behaviourOf, seed);
  fakes.push(made.fake);
  return made;
}

const createAgent = ({
  gemini,
  model,
}: {
  gemini: Parameters<typeof supportAgent>[0];
  model?: string | undefined;
}) => supportAgent(gemini, model ?? OLD);

/**
 * `createAgent` keeping one agent for each model, as a user's factory may: the false-alarm test's
 * 2,400 runs built 2,400 agents, about a tenth of its CPU (bench/RESULTS.md, speed-units47).
 */
function onePerModel(): typeof createAgent {
  const agents = new Map<string, ReturnType<typeof createAgent>>();
  return (context) => {
    const model = context.model ?? OLD;
    const agent = agents.get(model) ?? createAgent(context);
    agents.set(model, agent);
    return agent;
  };
}

describe('runCanary', () => {
  it('flags no case on two identical models with injected noise: false alarms under 5% at the default K', async () => {
    // The figure of issue 57: 120 cases, each run K times on two models that behave the same but
    // for seeded noise (a lookup before the cancel in 0 to 70% of runs, an email after it in 0
    // to 40%), so their trajectories differ from run to run and from model to model by chance.
    const noise = (input: string): SupportModelBehaviour => {
      const index = Number(/u(\d+)/.exec(input)?.[1] ?? 0);
      return { lookup: (index % 8) / 10, email: (index % 5) / 10 };
    };
    const { gemini } = models((_model, input) => noise(input));
    const cases = supportCases(120);
    const result = await runCanary({
      cases,
      from: OLD,
      to: NEW,
      mustCall: ['cancel_subscription'],
      live: { gemini },
      concurrency: 8,
      createAgent: onePerModel(),
    });
    expect(result.k).toBe(DEFAULT_CANARY_K);
    expect(result.unjudged).toBe(0);
    // The noise is real: most cases' old model varies against itself.
    const flaky = result.cases.filter((item) => (item.shift?.fromFlakiness ?? 0) > 0);
    expect(flaky.length).toBeGreaterThan(90);
    const falseAlarms = result.cases.filter((item) => item.status !== 'same').length;
    expect(falseAlarms / cases.length).toBeLessThan(0.05);
    expect(result.regressions).toBe(0);
    expect(result.passed).toBe(true);
  }, 240_000);

  it('flags a model that stops calling the cancel tool as a regression, beyond its noise', async () => {
    const { gemini } = models((model, input) => ({
      lookup: 0.5,
      email: 0.2,
      // The new model forgets to cancel in case 0 always, in case 1 in most runs, in case 3 now
      // and then (within what chance allows); case 2 is unchanged.
      cancel:
        model === NEW
          ? input.includes('u0')
            ? 0
            : input.includes('u1')
              ? 0.3
              : input.includes('u3')
                ? 0.85
                : 1
          : 1,
    }));
    const cancelled = defineScorer('said-cancelled', ({ run }) => run.text.includes('cancelled'));
    const result = await runCanary({
      cases: supportCases(4),
      scorers: [cancelled],
      from: OLD,
      to: NEW,
      mustCall: ['cancel_subscription'],
      mustPass: ['said-cancelled'],
      live: { gemini },
      createAgent,
    });
    const [dropped, mostly, same, sometimes] = result.cases;
    expect(dropped?.status).toBe('regression');
    expect(dropped?.requirements).toContainEqual(
      expect.objectContaining({
        kind: 'tool',
        name: 'cancel_subscription',
        fromMet: 10,
        toMet: 0,
        regression: true,
      }),
    );
    // It still says the subscription is cancelled: the scorer passes, the trajectory does not.
    expect(dropped?.requirements).toContainEqual(
      expect.objectContaining({ kind: 'scorer', name: 'said-cancelled', regression: false }),
    );
    expect(dropped?.difference?.dropped).toContain('cancel_subscription');
    expect(dropped?.shift?.pValue).toBeLessThan(0.01);
    expect(mostly?.status).toBe('regression');
    expect(same?.status).toBe('same');
    // One or two forgotten cancels in ten runs is not beyond what chance gives a model that
    // cancels every time: reported, not a regression.
    const mark = sometimes?.requirements.find((item) => item.kind === 'tool');
    expect(mark?.toMet).toBeLessThan(10);
    expect(mark?.toMet).toBeGreaterThanOrEqual(8);
    expect(mark?.regression).toBe(false);
    expect(result.regressions).toBe(2);
    expect(result.passed).toBe(false);
    const text = formatCanary(result);
    expect(text).toContain('REGRESSION must call cancel_subscription: 10/10 → 0/10');
    expect(text).toContain('FAILED');
  }, 60_000);

  it('reports a trajectory change that no requirement marks as changed, failing only with failOnChange', async () => {
    const { gemini } = models((model) => ({ lookup: model === NEW ? 1 : 0, email: 0 }));
    const options = {
      cases: supportCases(1),
      from: OLD,
      to: NEW,
      live: { gemini },
      createAgent,
    };
    const result = await runCanary(options);
    expect(result.cases[0]).toMatchObject({
      status: 'changed',
      shift: { fromFlakiness: 0, toFlakiness: 0, crossDifference: 1, distance: 1 },
      difference: { added: ['lookup_account'], dropped: [] },
    });
    expect(result.passed).toBe(true);
    expect((await runCanary({ ...options, failOnChange: true })).passed).toBe(false);
  }, 60_000);

  it('refuses an agent that ignores context.model: the case is unjudged and says why', async () => {
    const { gemini } = models(() => ({ lookup: 0, email: 0 }));
    const result = await runCanary({
      cases: supportCases(1),
      from: OLD,
      to: NEW,
      k: 2,
      live: { gemini },
      createAgent: ({ gemini: client }) => supportAgent(client, OLD),
    });
    expect(result.cases[0]?.status).toBe('unjudged');
    expect(result.cases[0]?.reason).toContain(
      "createAgent built its agent on 'gemini-2.5-flash', but this run asks for 'gemini-2.5-pro'",
    );
    expect(result.passed).toBe(false);
  });

  it('refuses bad options with a typed error naming them', async () => {
    const base = { cases: supportCases(1), from: OLD, to: NEW, createAgent };
    const refused = async (options: object, argument: string) => {
      const error = await runCanary({ ...base, ...options }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    };
    await refused({ to: OLD }, 'to');
    await refused({ from: '' }, 'from');
    await refused({ k: 1 }, 'k');
    await refused({ alpha: 0 }, 'alpha');
    await refused({ mustPass: ['nope'] }, 'mustPass');
  });
});
