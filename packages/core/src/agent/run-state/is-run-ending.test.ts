import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import { RUN_MODES, rejectionOf, runBothWays } from '../__fixtures__/run-both-ways.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from '../plugins/define-plugin.ts';

// `isRunEndingError`: an error that means the process lost the right to go on with the run (a
// durable execution cancelled, taken over) ends it as it is, instead of reaching the model as
// the tool's failure.

const MODEL = 'gemini-2.5-flash';

class LostOwnershipError extends Error {
  override name = 'LostOwnershipError';
}

const isLost = (error: unknown): boolean => error instanceof LostOwnershipError;

function throwing(value: () => unknown) {
  return defineTool({
    name: 'work',
    description: 'Works.',
    parameters: z.object({}),
    execute: () => {
      throw value();
    },
  });
}

describe.each(RUN_MODES)('an error that ends the run (%s)', (mode) => {
  it('rejects with that very error, and the model is not called again', async () => {
    const lost = new LostOwnershipError('another worker took the run');
    const gemini = createScriptedGemini([callsTurn(['work', {}, 'c1']), textTurn('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [throwing(() => lost)],
      isRunEndingError: isLost,
    });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(error).toBe(lost);
    expect(gemini.calls).toHaveLength(1);
  });

  it('aborts the other calls of the turn with it as their signal’s reason', async () => {
    const lost = new LostOwnershipError('cancelled');
    let reason: unknown;
    // `work` throws once `waits` listens: which of the two parallel calls starts first is the
    // scheduler's to decide ('as-ready'), and a call that had not started when the turn ended
    // would have no signal to abort.
    let listening = (): void => {};
    const waitsListens = new Promise<void>((resolve) => {
      listening = resolve;
    });
    const waits = defineTool({
      name: 'waits',
      description: 'Waits.',
      parameters: z.object({}),
      execute: (_input, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(signal.reason);
          });
          listening();
        }),
    });
    const work = defineTool({
      name: 'work',
      description: 'Works.',
      parameters: z.object({}),
      execute: async () => {
        await waitsListens;
        throw lost;
      },
    });
    const gemini = createScriptedGemini([callsTurn(['waits', {}, 'c1'], ['work', {}, 'c2'])]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [waits, work],
      isRunEndingError: isLost,
    });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(error).toBe(lost);
    expect(reason).toBe(lost);
  });

  it('passes through a plugin hook as it is, not as a PluginError', async () => {
    const lost = new LostOwnershipError('fenced');
    const plugin = definePlugin({
      name: 'lease',
      beforeModelCall: () => {
        throw lost;
      },
    });
    const gemini = createScriptedGemini([textTurn('never')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      plugins: [plugin],
      isRunEndingError: isLost,
    });
    const error = await rejectionOf(runBothWays(mode, agent, 'Go.'));
    expect(error).toBe(lost);
    expect(gemini.calls).toHaveLength(0);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('predicate bug');
      },
    ],
    ['answers a truthy value that is not true', () => 'yes' as unknown as boolean],
    ['answers 1', () => 1 as unknown as boolean],
  ])('treats the error as the tool’s when the predicate %s', async (_, predicate) => {
    const gemini = createScriptedGemini([callsTurn(['work', {}, 'c1']), textTurn('Recovered.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [throwing(() => new LostOwnershipError('cancelled'))],
      isRunEndingError: predicate,
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Recovered.');
    expect(result.steps[0]?.toolCalls[0]?.error).toBe('work failed: LostOwnershipError: cancelled');
  });

  it('survives a revoked proxy thrown by a tool: the predicate is not reached, the model told', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    let asked = 0;
    const gemini = createScriptedGemini([callsTurn(['work', {}, 'c1']), textTurn('Recovered.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [throwing(() => proxy)],
      isRunEndingError: () => {
        asked++;
        return true;
      },
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Recovered.');
    expect(asked).toBe(0);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
  });

  it('does not end the run for an error the predicate does not name', async () => {
    const gemini = createScriptedGemini([callsTurn(['work', {}, 'c1']), textTurn('Recovered.')]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [throwing(() => new TypeError('bad input'))],
      isRunEndingError: isLost,
    });
    const { result } = await runBothWays(mode, agent, 'Go.');
    expect(result.text).toBe('Recovered.');
  });
});
