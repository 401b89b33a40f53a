import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content, Part } from '../../wire/content.ts';
import { RUN_MODES, type RunMode, runBothWays } from '../__fixtures__/run-both-ways.ts';
import {
  createScriptedGemini,
  modelTurn,
  type ScriptedTurn,
  textTurn,
} from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from './agent-plugin.ts';
import { definePlugin } from './define-plugin.ts';
import { PluginError } from './plugin-error.ts';

// A third party's plugin handed the model's own turn (a step's content, the history of a model
// call, `run.contents`, a tool call's `args`) and changing it in place instead of returning a
// change: the objects are the run's history, so a deleted `thoughtSignature` or rewritten `args`
// went back to the API and into the caller's result as if the model had said it (the API takes
// the model's turn back only as it gave it). The model's turn is frozen as it enters the run: the
// hook fails as its plugin's `PluginError`, and no request carries a changed turn.

const MODEL = 'gemini-2.5-flash';
const SIGNATURE = 'SIG-the-models-own';
const look = defineTool({
  name: 'look',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => ({ got: q }),
});
const CALL: Part = {
  functionCall: { id: 'c1', name: 'look', args: { q: 'asked' } },
  thoughtSignature: SIGNATURE,
};
const script = (): ScriptedTurn[] => [modelTurn([structuredClone(CALL)]), textTurn('Done.')];

async function attempt(mode: RunMode, plugin: AgentPlugin) {
  const gemini = createScriptedGemini(script());
  const agent = createAgent({ gemini, model: MODEL, tools: [look], plugins: [plugin] });
  try {
    const { result } = await runBothWays(mode, agent, 'Go.');
    return { gemini, result, error: undefined };
  } catch (error) {
    return { gemini, result: undefined, error };
  }
}

/** Every model turn of `contents` that holds the call, as the model made it. */
const modelCallParts = (contents: readonly Content[] | undefined) =>
  (contents ?? [])
    .filter((content) => content.role === 'model')
    .flatMap((content) => content.parts)
    .filter((part) => part.functionCall !== undefined);

/** The call as sent back in every request and kept in the result: signed, its own args. */
function expectVerbatim(outcome: Awaited<ReturnType<typeof attempt>>): void {
  for (let index = 1; index < outcome.gemini.calls.length; index++)
    expect(modelCallParts(outcome.gemini.contentsOf(index))).toEqual([CALL]);
  if (outcome.result !== undefined) expect(modelCallParts(outcome.result.contents)).toEqual([CALL]);
}

function expectFailedIn(error: unknown, hook: string): void {
  expect(PluginError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ plugin: 'in-place', hook });
}

const unsign = (parts: readonly Part[]) => {
  for (const part of parts) if (part.thoughtSignature !== undefined) delete part.thoughtSignature;
};

describe.each(RUN_MODES)('a plugin changing the model’s turn in place (%s)', (mode) => {
  it('afterModelCall deleting the step’s signature: its PluginError, no unsigned turn sent', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'in-place',
        afterModelCall: (step) => unsign(step.content?.parts ?? []),
      }),
    );
    expectFailedIn(outcome.error, 'afterModelCall');
    expectVerbatim(outcome);
  });

  it('beforeModelCall rewriting the call’s args in the contents it returns nothing for', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'in-place',
        beforeModelCall: (call) => {
          for (const part of modelCallParts(call.contents))
            (part.functionCall?.args as Record<string, unknown>)['q'] = 'rewritten';
        },
      }),
    );
    expectFailedIn(outcome.error, 'beforeModelCall');
    expectVerbatim(outcome);
  });

  it('beforeToolCall writing to the call’s args: its PluginError, the tool not run on them', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'in-place',
        beforeToolCall: (call) => {
          (call.args as Record<string, unknown>)['q'] = 'rewritten';
        },
      }),
    );
    expectFailedIn(outcome.error, 'beforeToolCall');
    expect(JSON.stringify(outcome.gemini.calls)).not.toContain('rewritten');
    expectVerbatim(outcome);
  });

  it('afterToolCall unsigning the turn through run.contents', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'in-place',
        afterToolCall: (_result, run) => {
          for (const content of run.contents) if (content.role === 'model') unsign(content.parts);
        },
      }),
    );
    expectFailedIn(outcome.error, 'afterToolCall');
    expectVerbatim(outcome);
  });

  it('checkAnswer rewriting the answer’s part instead of returning { text }', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'in-place',
        checkAnswer: (answer) => {
          const part = answer.step.content?.parts[0] as Part;
          part.text = 'rewritten';
        },
      }),
    );
    expectFailedIn(outcome.error, 'checkAnswer');
    expectVerbatim(outcome);
  });

  it('the documented ways still change what is sent, and the model’s turn stays its own', async () => {
    const outcome = await attempt(
      mode,
      definePlugin({
        name: 'by-result',
        beforeToolCall: (call) => ({ type: 'args', args: { ...call.args, q: 'changed' } }),
        checkAnswer: (answer) => ({ text: `${answer.text} (checked)` }),
      }),
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.text).toBe('Done. (checked)');
    expect(JSON.stringify(outcome.gemini.calls[1]?.request.contents)).toContain('"got":"changed"');
    expectVerbatim(outcome);
  });
});
