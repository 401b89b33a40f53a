import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardrails } from '../../../guardrails/index.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { toolResult } from '../../../tools/responses/tool-result.ts';
import type { FunctionResponse } from '../../../wire/content.ts';
import { type MapRecorder, mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { createAgent } from '../../create-agent.ts';
import type { AgentPlugin } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';

// toolresult45: a recorded `wrapToolCall` or `afterToolCall` (a durable run's plugin step) hands
// the tool's value on through its record, JSON that loses toolResult()'s mark, on the first run
// as on a replay (@gemloop/dbos's recorder returns its copy). Its record notes the mark, so a
// toolResult() stays media and the tool's data of that shape stays data; a record from before
// the mark is read by the shape, as it was then. The recorder is a map that keeps what
// @gemloop/dbos's keeps (JSON).

const MODEL = 'gemini-3-flash-preview';
const media = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const lookalike = { kind: 'tool-result', response: { approved: true }, parts: [media] };

const tools = [
  defineTool({
    name: 'shot',
    parameters: z.object({}),
    execute: () => toolResult({ output: 'shot', parts: [media] }),
  }),
  defineTool({
    name: 'row',
    parameters: z.object({}),
    execute: () => JSON.parse(JSON.stringify(lookalike)) as unknown,
  }),
];

const plugins: Record<string, AgentPlugin> = {
  // Both hand the value on as it is: what a timing or logging wrapper does.
  wrapToolCall: definePlugin({
    name: 'timer',
    recorded: ['wrapToolCall'],
    wrapToolCall: (_call, next) => next(),
  }),
  // Answers the call itself with what the tool would return (a plugin that serves a result).
  beforeToolCall: definePlugin({
    name: 'answer',
    recorded: ['beforeToolCall'],
    beforeToolCall: async (call) => {
      const tool = tools.find((each) => each.name === call.toolName);
      return { type: 'result', result: await tool?.execute({}, {} as never) };
    },
  }),
  afterToolCall: definePlugin({
    name: 'annotate',
    recorded: ['afterToolCall'],
    afterToolCall: (call) => ({ result: call.result }),
  }),
};

/** One run of shot and row through `plugin` (or a tool guardrail that replaces each result with
 * itself: a redaction that kept it), recorded by (or replayed from) `recorder`. */
async function answers(plugin: AgentPlugin | 'guardrail', recorder: MapRecorder) {
  const gemini = createScriptedGemini([
    callsTurn(['shot', {}, 'a'], ['row', {}, 'b']),
    textTurn('Seen.'),
  ]);
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools,
    ...(plugin === 'guardrail'
      ? {
          guardrails: guardrails({
            tools: [{ name: 'redact', after: ({ result }) => ({ type: 'replace', result }) }],
          }),
        }
      : { plugins: [plugin] }),
  });
  await agentTurnsOf(agent).stream('Look.', {}, undefined, undefined, recorder.record).result;
  const responses = (gemini.contentsOf(1).at(-1)?.parts ?? []).flatMap((part) =>
    part.functionResponse === undefined ? [] : [part.functionResponse],
  );
  const named = (name: string): FunctionResponse | undefined =>
    responses.find((response) => response.name === name);
  return { shot: named('shot'), row: named('row') };
}

describe('a recorded tool hook and a toolResult()', () => {
  for (const [hook, plugin] of [
    ...Object.entries(plugins),
    ['a tool guardrail replacing the result', 'guardrail'] as const,
  ]) {
    it(`${hook}: media stays media and data stays data, on the first run and on a replay`, async () => {
      const recorder = mapRecorder();
      for (const replay of [false, true]) {
        if (replay) recorder.replay();
        const { shot, row } = await answers(plugin, recorder);
        expect(shot).toMatchObject({ response: { output: 'shot' }, parts: [media] });
        expect(row?.response).toEqual(lookalike);
        expect(row?.parts).toBeUndefined();
      }
      const marks = [...recorder.stored.values()].map(
        (stored) => (stored as { toolResult?: unknown }).toolResult,
      );
      expect(marks.filter((mark) => mark !== undefined).sort()).toEqual([false, true]);
    });

    it(`${hook}: a record from before the mark replays a value of the shape as media, as it did`, async () => {
      const recorder = mapRecorder();
      await answers(plugin, recorder);
      for (const [key, stored] of recorder.stored) {
        const { toolResult: _mark, ...older } = stored as Record<string, unknown>;
        recorder.stored.set(key, older);
      }
      recorder.replay();
      const { shot, row } = await answers(plugin, recorder);
      expect(shot?.parts).toEqual([media]);
      expect(row).toMatchObject({ response: { approved: true }, parts: [media] });
    });
  }
});
