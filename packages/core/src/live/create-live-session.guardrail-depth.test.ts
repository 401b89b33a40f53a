import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { type Agent, createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { preloadRunLoop } from '../agent/loaded-loop.ts';
import { callAtDepth, MAX_RUN_DEPTH } from '../agent/run-state/run-link.ts';
import type { GuardrailOptions } from '../guardrails/guardrail-options.ts';
import { guardrails } from '../guardrails/guardrails.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

// The guardrails' checks of a Live session run at the session's depth, as its tools and plugin
// hooks do (leftovers50) and as a run's checks run at the run's: an agent.run() a check makes
// before its first await is one deeper than the session, refused past MAX_RUN_DEPTH. Before,
// the checks ran at depth 0: a guardrail that ran its own agent inside a Live session never met
// the bound, and a run -> Live session -> guardrail -> run ... chain nested without end.

/** What an agent.run() made from inside a guardrail check met: its answer, or its refusal. */
type Outcome = { text?: string; error?: unknown };

function innerAgent(): Agent<undefined> {
  return createAgent({ gemini: createScriptedGemini([textTurn('inner')]), model: 'gemini-test' });
}

/** Starts `inner.run()` synchronously, as a check does before its first await; passes. */
function runInner(inner: Agent<undefined>, outcome: Outcome): Promise<undefined> {
  return inner.run('Hi.').then(
    (result) => {
      outcome.text = result.text;
      return undefined;
    },
    (error: unknown) => {
      outcome.error = error;
      return undefined;
    },
  );
}

type Phase = 'input' | 'tool-input' | 'tool-output';

/** Guardrails whose `phase` check runs the inner agent (the others pass without one). */
function checking(phase: Phase, inner: Agent<undefined>, outcome: Outcome): GuardrailOptions {
  const check = () => runInner(inner, outcome);
  if (phase === 'input') return { input: [{ name: 'asks-inner', check }] };
  return {
    tools: [
      phase === 'tool-input'
        ? { name: 'asks-inner', before: check }
        : { name: 'asks-inner', after: check },
    ],
  };
}

/** A session opened `depth` deep under the guardrails: one text, one tool call, to its turn's end. */
async function sessionAt(depth: number, options: GuardrailOptions): Promise<void> {
  const ask = defineTool({
    name: 'ask',
    description: 'Answers.',
    parameters: z.object({}),
    execute: () => 'ok',
  });
  const { agent } = await liveFixture(
    { script: [[{ toolCalls: [{ name: 'ask', args: {}, id: 't1' }] }], [{ text: 'Done.' }]] },
    { tools: [ask], guardrails: guardrails(options) },
  );
  const session = await callAtDepth(depth, createLiveSession, agent);
  try {
    session.sendText('Go.');
    await readUntil(session[Symbol.asyncIterator](), (event) => event.type === 'turn-end');
  } finally {
    await session.close();
  }
}

const PHASES: Phase[] = ['input', 'tool-input', 'tool-output'];

describe('run depth in the guardrail checks of a Live session', () => {
  // As in create-live-session.depth.test.ts: callAtDepth stands in for the run that opened it.
  beforeAll(preloadRunLoop);

  it.each(PHASES)(
    "a %s check's agent.run() is one deeper than the session, refused past the limit",
    async (phase) => {
      const inner = innerAgent();
      const outcome: Outcome = {};
      // Opened by a hook of a run MAX - 1 deep: the session is MAX deep, its check's run MAX + 1.
      await sessionAt(MAX_RUN_DEPTH - 1, checking(phase, inner, outcome));
      expect(SubagentError.isInstance(outcome.error), String(outcome.error ?? outcome.text)).toBe(
        true,
      );
      expect((outcome.error as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
    },
  );

  it.each(PHASES)(
    'a %s check at the limit itself still runs, and one opened at top level counts from 0',
    async (phase) => {
      for (const depth of [MAX_RUN_DEPTH - 2, -1]) {
        const inner = innerAgent();
        const outcome: Outcome = {};
        await sessionAt(depth, checking(phase, inner, outcome));
        expect(outcome, `opened at ${depth}`).toEqual({ text: 'inner' });
      }
    },
  );

  it('a run of an agent whose input check runs the same agent ends at the limit, as the run does', async () => {
    // The run's own checks, for comparison: called at the run's depth (the guardrails plugin's
    // hooks), so the cycle ends with a SubagentError at the run one past the limit.
    let agent: Agent<undefined> | undefined;
    const errors: unknown[] = [];
    agent = createAgent({
      gemini: createScriptedGemini([]),
      model: 'gemini-test',
      guardrails: guardrails({
        input: [
          {
            name: 'again',
            check: () =>
              (agent as Agent<undefined>).run('Again.').then(
                () => undefined,
                (error: unknown) => void errors.push(error),
              ),
          },
        ],
      }),
    });
    await agent.run('Go.').catch(() => undefined);
    const refused = errors.filter((error) => SubagentError.isInstance(error));
    expect(refused).toHaveLength(1);
    expect((refused[0] as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
  });

  it.each(['input', 'tool-input'] as const)(
    'in a run, the second %s check of a chain is at the run’s depth too',
    async (phase) => {
      // The first check was reached in its hook's synchronous part; the second after an await,
      // where the depth was gone before leftovers53: an agent whose second check runs the same
      // agent nested without end (here: until the scripted model ran out of turns).
      let agent: Agent<undefined> | undefined;
      const errors: unknown[] = [];
      let starts = 0;
      // Bounded here too, past the limit, so the old source fails instead of nesting for ever.
      const again = () =>
        ++starts > MAX_RUN_DEPTH + 4
          ? undefined
          : (agent as Agent<undefined>).run('Again.').then(
              () => undefined,
              (error: unknown) => void errors.push(error),
            );
      const first = async () => undefined;
      const ask = defineTool({
        name: 'ask',
        description: 'Answers.',
        parameters: z.object({}),
        execute: () => 'ok',
      });
      agent = createAgent({
        gemini: createScriptedGemini(
          Array.from({ length: MAX_RUN_DEPTH + 2 }, () => callsTurn(['ask', {}])),
        ),
        model: 'gemini-test',
        tools: [ask],
        maxSteps: 1,
        guardrails: guardrails(
          phase === 'input'
            ? {
                input: [
                  { name: 'first', check: first },
                  { name: 'again', check: again },
                ],
              }
            : {
                tools: [
                  { name: 'first', before: first },
                  { name: 'again', before: again },
                ],
              },
        ),
      });
      await agent.run('Go.').catch(() => undefined);
      const refused = errors.filter((error) => SubagentError.isInstance(error));
      expect(starts).toBe(MAX_RUN_DEPTH + 1);
      expect(refused, String(errors[0])).toHaveLength(1);
      expect((refused[0] as Error).message).toContain(`a run ${MAX_RUN_DEPTH + 1} deep`);
    },
  );
});
