import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { createRunRecorder } from '../../recorder/create-run-recorder.ts';
import { toolResultCache } from '../../tool-result-cache/tool-result-cache.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { createAgent } from '../create-agent.ts';

// attack44c left it: a tool's value whose getter answers differently at each read ('sunny', then
// something else) was read by the as-is check, again by the request's serialisation, again by the
// run file and by whoever read `output`: the model, the record, the event, the span and the run
// file could each hold another value, and a getter that throws on its second read threw in the
// request's serialisation (the run failed, where a bad result is a failed call). tools45: the
// loop reads the value once, and the snapshot is what every one of them holds.

const MODEL = 'gemini-2.5-flash';

type Shifty = { value: Record<string, unknown>; reads: () => number };

/** `{ city, forecast, days: [{ forecast }] }` whose `forecast` getters answer `later(read)` after their first read. */
function shifty(later: (read: number) => unknown, first: () => unknown = () => 'sunny'): Shifty {
  let reads = 0;
  const getter = () => {
    reads += 1;
    return reads <= 2 ? first() : later(reads);
  };
  const day = {};
  Object.defineProperty(day, 'forecast', { enumerable: true, get: getter });
  const value: Record<string, unknown> = { city: 'Oslo' };
  Object.defineProperty(value, 'forecast', { enumerable: true, get: getter });
  value['days'] = [day];
  return { value, reads: () => reads };
}

function setup(result: Shifty, options: Record<string, unknown> = {}) {
  const gemini = createScriptedGemini([
    callsTurn(['weather', { city: 'Oslo' }, 'c1']),
    textTurn('Sunny.'),
    callsTurn(['weather', { city: 'Oslo' }, 'c2']),
    textTurn('Still sunny.'),
  ]);
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tool = defineTool({
    name: 'weather',
    description: 'Weather.',
    parameters: z.object({ city: z.string() }),
    execute: () => result.value,
  });
  const agent = createAgent({
    gemini,
    model: MODEL,
    tools: [tool],
    telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
    ...options,
  });
  return { agent, gemini, exporter };
}

async function runIn(mode: 'run' | 'stream', agent: ReturnType<typeof setup>['agent']) {
  const events: AgentEvent<unknown>[] = [];
  if (mode === 'run') return { result: await agent.run('go'), events };
  const stream = agent.stream('go');
  for await (const event of stream) events.push(event);
  return { result: await stream.result, events };
}

async function recordedLines(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true })).filter((file) =>
    String(file).endsWith('.jsonl'),
  );
  return (await Promise.all(files.map((file) => readFile(join(dir, String(file)), 'utf8')))).join(
    '\n',
  );
}

const SNAPSHOT = { city: 'Oslo', forecast: 'sunny', days: [{ forecast: 'sunny' }] };

describe("a tool's value read once: the model, the record, the event, the span and the run file hold one snapshot", () => {
  it.each([
    ['answers otherwise', (read: number) => `rain ${read}`],
    [
      'throws',
      () => {
        throw new Error('gone');
      },
    ],
    ['turns into a function', () => () => 'rain'],
  ] as const)('a getter that %s after its first read (run and stream)', async (_, later) => {
    for (const mode of ['run', 'stream'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'tool-snapshot-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const value = shifty(later);
      const recorder = createRunRecorder({ dir });
      const { agent, gemini, exporter } = setup(value, { recorder });
      const { result, events } = await runIn(mode, agent);
      expect(result.text).toBe('Sunny.');
      // Each getter read once (two getters).
      expect(value.reads()).toBe(2);
      const call = result.steps[0]?.toolCalls[0];
      expect(call?.outcome).toBe('success');
      expect(call?.output).toEqual(SNAPSHOT);
      expect(call?.response.response).toEqual(SNAPSHOT);
      // What the next request carried (the scripted Gemini clones the request as it is sent).
      expect(gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response).toEqual(SNAPSHOT);
      if (mode === 'stream') {
        const event = events.find((each) => each.type === 'tool-result');
        expect(event?.type === 'tool-result' && event.toolCall.output).toEqual(SNAPSHOT);
      }
      const span = exporter.getFinishedSpans().find((each) => each.name === 'execute_tool weather');
      expect(JSON.parse(span?.attributes['gen_ai.tool.call.result'] as string)).toEqual(SNAPSHOT);
      await recorder.flush?.();
      const recorded = await recordedLines(dir);
      expect(recorded).toContain(`"output":${JSON.stringify(SNAPSHOT)}`);
      expect(recorded).not.toContain('rain');
      // Reading the record again reads the snapshot, not the tool's getters.
      JSON.stringify(result.steps);
      expect(value.reads()).toBe(2);
    }
  });

  it('a getter that throws at its first read is a failed call naming the tool and the place, read once', async () => {
    const value = shifty(
      () => 'never',
      () => {
        throw new Error('backend gone');
      },
    );
    const { agent, gemini } = setup(value);
    const result = await agent.run('go');
    expect(result.text).toBe('Sunny.');
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.outcome).toBe('execution-error');
    expect(call?.error).toContain('Tool "weather" returned a value that cannot be sent to Gemini');
    expect(call?.error).toContain('result.forecast');
    expect(call?.error).toContain('backend gone');
    expect(gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response).toEqual({
      error: call?.error,
    });
    expect(value.reads()).toBe(1);
  });

  it('with toolResultCache, the model, the record and the cached answer of the next call are one snapshot', async () => {
    const value = shifty((read) => `rain ${read}`);
    const gemini = createScriptedGemini([
      callsTurn(['weather', { city: 'Oslo' }, 'c1']),
      callsTurn(['weather', { city: 'Oslo' }, 'c2']),
      textTurn('Sunny.'),
    ]);
    const agent = createAgent({
      gemini,
      model: MODEL,
      tools: [
        defineTool({
          name: 'weather',
          parameters: z.object({ city: z.string() }),
          execute: () => value.value,
        }),
      ],
      plugins: [toolResultCache({ tools: { weather: { effect: 'read' } } })],
    });
    const result = await agent.run('go');
    const sent = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse?.response;
    expect(sent).toEqual(SNAPSHOT);
    expect(result.steps[0]?.toolCalls[0]?.output).toEqual(SNAPSHOT);
    // The second call is the cache's: what it kept is what the model got the first time.
    expect(result.steps[1]?.toolCalls[0]?.output).toEqual(SNAPSHOT);
    expect(gemini.contentsOf(2).at(-1)?.parts?.[0]?.functionResponse?.response).toEqual(SNAPSHOT);
  });
});
