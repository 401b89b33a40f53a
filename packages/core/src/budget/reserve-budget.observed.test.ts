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
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createBudgetPool } from './budget-pool.ts';
import { reserveBudget } from './reserve-budget.ts';

// reserveBudget's `reserved` and `settled` as OpenTelemetry and the recorder see them (issue 53,
// letters46: the README's row "a run's cost estimated before it runs, budgets reserved" named no
// T or R, and no test read the two events). `settled` is emitted in `endRun`, after the last
// step: the test is that it still reaches the run span and the run file.

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

function agentWith(extra: Partial<Parameters<typeof createAgent>[0]>) {
  const fake = createFakeGemini({
    script: [turn.call('lookup', { city: 'Lisbon' }), turn.text('21 degrees.')],
  });
  fakes.push(fake);
  const pool = createBudgetPool({ name: 'team', maxCostUsd: 1 });
  const agent = createAgent({
    gemini: createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false }),
    model: 'gemini-3-flash-preview',
    tools: [lookup],
    plugins: [reserveBudget({ pool, usd: 0.25 })],
    telemetry: false,
    ...extra,
  });
  return { agent, pool };
}

describe('reserveBudget on the spans', () => {
  it('shows the hold and its settlement as events on the run span, the settlement with the cost', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { agent, pool } = agentWith({
      telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
    });
    const result = await agent.run('Weather in Lisbon?');
    const runSpan = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('invoke_agent'));
    const events = (runSpan?.events ?? [])
      .filter((event) => event.name === 'gemloop.plugin')
      .map((event) => event.attributes ?? {});
    expect(events.map((event) => event['gemloop.plugin.kind'])).toEqual(['reserved', 'settled']);
    expect(events[0]).toEqual({
      'gemloop.plugin.name': 'reserve-budget',
      'gemloop.plugin.kind': 'reserved',
      'gemloop.plugin.step': 0,
      'gemloop.plugin.data': '{"pool":"team","usd":0.25}',
    });
    const settled = JSON.parse(String(events[1]?.['gemloop.plugin.data'])) as {
      pool: string;
      usd: number;
      reservedUsd: number;
    };
    expect(settled.pool).toBe('team');
    expect(settled.reservedUsd).toBe(0.25);
    expect(settled.usd).toBeCloseTo(Number(result.cost.total), 12);
    expect(settled.usd).toBeGreaterThan(0);
    // What was settled is what the pool counts as spent.
    expect((await pool.read()).spentUsd).toBeCloseTo(settled.usd, 12);
  });

  it('keeps the events without their data where content is not recorded', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { agent } = agentWith({ telemetry: { tracerProvider } });
    await agent.run('Weather in Lisbon?');
    const runSpan = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('invoke_agent'));
    const events = (runSpan?.events ?? []).filter((event) => event.name === 'gemloop.plugin');
    expect(events.map((event) => event.attributes)).toEqual([
      {
        'gemloop.plugin.name': 'reserve-budget',
        'gemloop.plugin.kind': 'reserved',
        'gemloop.plugin.step': 0,
      },
      {
        'gemloop.plugin.name': 'reserve-budget',
        'gemloop.plugin.kind': 'settled',
        'gemloop.plugin.step': 2,
      },
    ]);
  });
});

describe('reserveBudget in a recording', () => {
  it.each([false, true])(
    'records the hold and its settlement (streaming %s)',
    async (streaming) => {
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-reserve-budget-'));
      dirs.push(dir);
      const recorder = createRunRecorder({ dir });
      const { agent } = agentWith({ recorder });
      const result = streaming
        ? await agent.stream('Weather in Lisbon?').result
        : await agent.run('Weather in Lisbon?');
      await recorder.flush();
      const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
      const text = await readFile(join(dir, name as string), 'utf8');
      expect(text).not.toContain('secret-key');
      const lines = text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine);
      const plugin = lines.flatMap(({ at: _at, ...line }) =>
        line.type === 'plugin' ? [line] : [],
      );
      expect(plugin.map((line) => `${line.kind}@${line.stepNumber}`)).toEqual([
        'reserved@0',
        'settled@2',
      ]);
      expect(JSON.parse(String(plugin[0]?.data))).toEqual({ pool: 'team', usd: 0.25 });
      const settled = JSON.parse(String(plugin[1]?.data)) as { usd: number; reservedUsd: number };
      expect(settled.reservedUsd).toBe(0.25);
      expect(settled.usd).toBeCloseTo(Number(result.cost.total), 12);
      // The settlement is written before the run's end line, inside the run's file.
      const types = lines.map((line) => line.type);
      expect(types.lastIndexOf('plugin')).toBeLessThan(types.indexOf('run-end'));
    },
  );
});
