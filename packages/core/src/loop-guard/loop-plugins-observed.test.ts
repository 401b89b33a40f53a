import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { toolResultCache } from '../tool-result-cache/tool-result-cache.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { loopGuard } from './loop-guard.ts';

// The loop guard's steer and the cache's hit as OpenTelemetry sees them: events on the run span
// (a unary run, no stream read), with no arguments even where content is recorded; and as the
// recorder writes them (issue 53, letters45: the README's rows named no R), streamed and unary.

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21 }),
});

async function pluginEventsOf(plugin: AgentPlugin<never>, calls: number) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const fake = createFakeGemini({
    script: [
      ...Array.from({ length: calls }, () => turn.call('lookup', { city: 'Secretville' })),
      turn.text('21 degrees.'),
    ],
  });
  fakes.push(fake);
  const agent = createAgent({
    gemini: createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false }),
    model: 'gemini-3-flash-preview',
    tools: [lookup],
    plugins: [plugin],
    telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
  });
  await agent.run('Weather?');
  const runSpan = exporter.getFinishedSpans().find((span) => span.name.startsWith('invoke_agent'));
  return (runSpan?.events ?? [])
    .filter((event) => event.name === 'gemloop.plugin')
    .map((event) => event.attributes);
}

describe('the loop plugins on the spans', () => {
  it('shows a steer of the loop guard as an event on the run span, without the arguments', async () => {
    const events = await pluginEventsOf(loopGuard() as AgentPlugin<never>, 4);
    expect(events).toEqual([
      {
        'gemloop.plugin.name': 'loop-guard',
        'gemloop.plugin.kind': 'steer',
        'gemloop.plugin.step': 4,
        'gemloop.plugin.data':
          '{"reason":"repeated-call","toolName":"lookup","repeats":3,"steers":1}',
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('Secretville');
  });

  it('shows a cache hit as an event on the run span, without the arguments', async () => {
    const cache = toolResultCache({ tools: { lookup: { effect: 'read' } } });
    const events = await pluginEventsOf(cache as AgentPlugin<never>, 2);
    expect(events).toEqual([
      {
        'gemloop.plugin.name': 'tool-result-cache',
        'gemloop.plugin.kind': 'hit',
        'gemloop.plugin.step': 2,
        'gemloop.plugin.data': '{"toolName":"lookup","scope":"run"}',
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('Secretville');
  });
});

/** The `plugin` lines of a recorded run of `plugin` over `calls` identical lookups. */
async function recordedPluginLines(plugin: AgentPlugin<never>, calls: number, streaming: boolean) {
  const fake = createFakeGemini({
    script: [
      ...Array.from({ length: calls }, () => turn.call('lookup', { city: 'Secretville' })),
      turn.text('21 degrees.'),
    ],
  });
  fakes.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-loop-plugins-'));
  dirs.push(dir);
  const recorder = createRunRecorder({ dir });
  const agent = createAgent({
    gemini: createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false }),
    model: 'gemini-3-flash-preview',
    tools: [lookup],
    plugins: [plugin],
    recorder,
    telemetry: false,
  });
  if (streaming) await agent.stream('Weather?').result;
  else await agent.run('Weather?');
  await recorder.flush();
  const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
  const text = await readFile(join(dir, name as string), 'utf8');
  expect(text).not.toContain('secret-key');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedRunLine)
    .flatMap(({ at: _at, ...line }) => (line.type === 'plugin' ? [line] : []));
}

describe('the loop plugins in a recording', () => {
  it.each([false, true])(
    "records the loop guard's steer in the step it was made in (streaming %s)",
    async (streaming) => {
      const lines = await recordedPluginLines(loopGuard() as AgentPlugin<never>, 4, streaming);
      expect(lines).toEqual([
        {
          type: 'plugin',
          plugin: 'loop-guard',
          kind: 'steer',
          stepNumber: 4,
          data: '{"reason":"repeated-call","toolName":"lookup","repeats":3,"steers":1}',
        },
      ]);
    },
  );

  it.each([false, true])('records a cache hit (streaming %s)', async (streaming) => {
    const cache = toolResultCache({ tools: { lookup: { effect: 'read' } } });
    const lines = await recordedPluginLines(cache as AgentPlugin<never>, 2, streaming);
    expect(lines).toEqual([
      {
        type: 'plugin',
        plugin: 'tool-result-cache',
        kind: 'hit',
        stepNumber: 2,
        data: '{"toolName":"lookup","scope":"run"}',
      },
    ]);
  });
});
