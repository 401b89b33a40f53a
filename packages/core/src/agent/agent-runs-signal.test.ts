import { describe, expect, it } from 'vitest';
import { guardrails } from '../guardrails/index.ts';
import { createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';

// Why each unary run keeps a signal of its own (issue 53, twenty-eighth session): one controller
// shared by an agent's runs given no signal took about 9 µs off a step on Node 20 (each
// AbortSignal there has a hidden class of its own), but every listener added to a run's signal
// then lived on one object. Eleven runs at once with a guardrail made Node print
// MaxListenersExceededWarning, and a plugin's or tool's listener left on `run.signal` outlived its
// run for the agent's life. Helper step-run measured it; the lead kept the per-run controller.

const MODEL = 'gemini-2.5-flash';

async function warningsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  try {
    await work();
    // Node emits process warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe("an agent's unary runs and their signals", () => {
  it('twenty runs at once with a waiting guardrail make Node warn of no listener leak', async () => {
    let open = (): void => {};
    const gate = {
      promise: new Promise<void>((resolve) => (open = resolve)),
      resolve: () => open(),
    };
    const turns = Array.from({ length: 20 }, () => async () => {
      await gate.promise;
      return textTurn('ok');
    });
    let checking = 0;
    const agent = createAgent({
      gemini: createScriptedGemini(turns),
      model: MODEL,
      guardrails: guardrails({
        input: [
          {
            name: 'waits',
            check: async () => {
              checking++;
              if (checking === 20) gate.resolve();
              await gate.promise;
              return undefined;
            },
          },
        ],
      }),
    });
    const warnings = await warningsDuring(() =>
      Promise.all(Array.from({ length: 20 }, (_, index) => agent.run(`question ${index}`))),
    );
    expect(checking).toBe(20);
    expect(warnings.filter((warning) => warning.startsWith('MaxListenersExceededWarning'))).toEqual(
      [],
    );
    await agent.close();
  });

  it('gives each run given no signal a signal of its own', async () => {
    const gemini = createScriptedGemini([textTurn('one'), textTurn('two')]);
    const agent = createAgent({ gemini, model: MODEL });
    await agent.run('first');
    await agent.run('second');
    const [first, second] = gemini.calls.map((call) => call.signal);
    expect(first).toBeInstanceOf(AbortSignal);
    expect(second).toBeInstanceOf(AbortSignal);
    expect(second).not.toBe(first);
    await agent.close();
  });
});
