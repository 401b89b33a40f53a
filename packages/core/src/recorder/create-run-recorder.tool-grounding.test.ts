import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { googleSearch } from '../tools/builtin/built-in-tools.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';

// Gemini 2.x cannot mix a built-in with functions, so the agent declares google_search as a
// function and answers each call with its own grounded request (call-builtin-fallback.ts). The
// sources ground that call, not the step: a recording that kept only the step's grounding lost
// them, and `gemloop view` showed "No grounding sources" for a run that cited some (matrix41).

const SOURCE = { uri: 'https://example.com/tokyo-weather', title: 'Tokyo weather' };

const calculator = defineTool({
  name: 'calculator',
  description: 'Evaluates an expression.',
  parameters: z.object({ expression: z.string() }),
  execute: () => '4',
});

async function recordFallbackRun(mode: 'run' | 'stream' | 'chat') {
  const fake = createFakeGemini({
    script: [
      turn.calls([
        { name: 'google_search', args: { query: 'weather in Tokyo' } },
        { name: 'calculator', args: { expression: '2+2' } },
      ]),
      turn.grounded('Sunny in Tokyo.', { sources: [SOURCE], queries: ['weather in Tokyo'] }),
      turn.text('2+2 is 4, and Tokyo is sunny.'),
    ],
  });
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-runs-grounding-'));
  onTestFinished(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  const recorder = createRunRecorder({ dir });
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'grounding-key', retry: false }),
    model: 'gemini-2.5-flash',
    tools: [googleSearch(), calculator],
    recorder,
    telemetry: false,
  });
  const input = 'What is 2+2? And the weather in Tokyo?';
  if (mode === 'run') await agent.run(input);
  else if (mode === 'stream') {
    const stream = agent.stream(input);
    for await (const _event of stream);
    await stream.result;
  } else await createChatSession({ agent }).send(input);
  await recorder.flush();
  const [name] = await readdir(dir);
  const text = await readFile(join(dir, name as string), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("a built-in's fallback call in a recording", () => {
  it.each(['run', 'stream', 'chat'] as const)(
    'keeps the grounded call’s sources on its tool-call-end line (%s)',
    async (mode) => {
      const lines = await recordFallbackRun(mode);
      const ends = lines.filter((line) => line['type'] === 'tool-call-end');
      // Written in the order the calls ended.
      expect(ends.map((line) => line['toolName']).sort()).toEqual(['calculator', 'google_search']);
      const search = ends.find((line) => line['toolName'] === 'google_search');
      const calc = ends.find((line) => line['toolName'] === 'calculator');
      expect(search).toMatchObject({
        outcome: 'success',
        grounding: {
          groundingChunks: [{ web: SOURCE }],
          webSearchQueries: ['weather in Tokyo'],
        },
      });
      // A call with no grounded request of its own carries none.
      expect(calc).not.toHaveProperty('grounding');
      // The step itself was not grounded: its line has no sources to give.
      const stepEnds = lines.filter((line) => line['type'] === 'step-end');
      expect(stepEnds.map((line) => line['grounding'])).toEqual([undefined, undefined]);
    },
  );

  it("keeps a subagent's fallback call's sources in the child's recorded run", async () => {
    const fake = createFakeGemini({
      script: [
        turn.call('researcher', { task: 'The weather in Tokyo?' }),
        turn.call('google_search', { query: 'weather in Tokyo' }),
        turn.grounded('Sunny in Tokyo.', { sources: [SOURCE] }),
        turn.text('Sunny.'),
        turn.text('Tokyo is sunny.'),
      ],
    });
    const { url } = await fake.listen();
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-runs-grounding-'));
    onTestFinished(async () => {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    });
    const recorder = createRunRecorder({ dir });
    const gemini = createGemini({ baseUrl: url, apiKey: 'grounding-key', retry: false });
    const researcher = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      name: 'researcher',
      // With a function beside it, 2.x takes the search as a function (alone it is sent as is).
      tools: [googleSearch(), calculator],
    });
    const lead = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      name: 'lead',
      tools: [subagent(researcher, { name: 'researcher', description: 'Looks things up.' })],
      recorder,
      telemetry: false,
    });
    expect((await lead.run('Weather in Tokyo?')).text).toBe('Tokyo is sunny.');
    await recorder.flush();
    const files = await Promise.all(
      (await readdir(dir)).map(async (name) =>
        (await readFile(join(dir, name), 'utf8'))
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      ),
    );
    const isSearchEnd = (line: Record<string, unknown>) =>
      line['type'] === 'tool-call-end' && line['toolName'] === 'google_search';
    const child = files.filter((lines) => lines.some(isSearchEnd));
    expect(child).toHaveLength(1);
    // The child's own run file (its start names its parent run), the call's sources on the line.
    expect(child[0]?.[0]).toMatchObject({
      agentName: 'researcher',
      parentRunId: expect.any(String),
    });
    expect(child[0]?.find(isSearchEnd)).toMatchObject({
      grounding: { groundingChunks: [{ web: SOURCE }] },
    });
  });
});
