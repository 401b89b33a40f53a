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
import { MAX_RECORDED_STEER_CHARS, type RecordedRunLine } from '../recorder/recorded-run.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toBrowserEvent } from '../web/to-browser-events.ts';
import { createSteering } from './create-steering.ts';

// A steer seen by the observers: an event on the run span (OpenTelemetry) and `steer` lines in
// the recorded run, received then applied at the step that carries it, or dropped.

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function serve(onToolCall: () => void) {
  const fake = createFakeGemini({
    script: [turn.call('lookup', { q: 'a' }), turn.text('Done.')],
    strictHistory: true,
  });
  fakes.push(fake);
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false });
  const lookup = defineTool({
    name: 'lookup',
    parameters: z.object({ q: z.string() }),
    execute: ({ q }) => {
      onToolCall();
      return `found ${q}`;
    },
  });
  return { gemini, tools: [lookup] };
}

describe('a steer as the observers see it', () => {
  it('is an event on the run span, with its text only where content is recorded', async () => {
    for (const recordContent of [true, false]) {
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const steering = createSteering();
      const { gemini, tools } = serve(() => steering.steer('Use metric.'));
      const agent = createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        tools,
        telemetry: { tracerProvider, conventions: 'latest', recordContent },
      });
      await agent.run('Find a', { steering });
      const runSpan = exporter
        .getFinishedSpans()
        .find((span) => span.name.startsWith('invoke_agent'));
      const events = (runSpan?.events ?? []).filter((event) => event.name === 'gemloop.steer');
      expect(events.map((event) => event.attributes)).toEqual([
        {
          'gemloop.steer.status': 'received',
          'gemloop.steer.mode': 'steer',
          'gemloop.steer.step': 1,
          ...(recordContent ? { 'gemloop.steer.content': '[{"text":"Use metric."}]' } : {}),
        },
        {
          'gemloop.steer.status': 'applied',
          'gemloop.steer.mode': 'steer',
          'gemloop.steer.step': 2,
          ...(recordContent ? { 'gemloop.steer.content': '[{"text":"Use metric."}]' } : {}),
        },
      ]);
    }
  });

  it('is recorded as steer lines, its text bounded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-steer-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const steering = createSteering();
    const long = 'x'.repeat(MAX_RECORDED_STEER_CHARS + 50);
    const { gemini, tools } = serve(() => {
      steering.steer('Use metric.');
      steering.steer([{ text: long }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }]);
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools,
      recorder,
      telemetry: false,
    });
    await agent.run('Find a', { steering });
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => file.endsWith('.jsonl'));
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const steers = lines.flatMap((line) =>
      line.type === 'steer'
        ? [
            {
              status: line.status,
              step: line.stepNumber,
              parts: line.parts,
              chars: line.text.length,
            },
          ]
        : [],
    );
    expect(steers).toEqual([
      { status: 'received', step: 1, parts: 1, chars: 11 },
      { status: 'received', step: 1, parts: 2, chars: MAX_RECORDED_STEER_CHARS + 1 },
      { status: 'applied', step: 2, parts: 1, chars: 11 },
      { status: 'applied', step: 2, parts: 2, chars: MAX_RECORDED_STEER_CHARS + 1 },
    ]);
    // The applied lines come between the end of step 1 and the start of the second model call.
    const order = lines.map((line) => (line.type === 'steer' ? `steer-${line.status}` : line.type));
    expect(order.indexOf('steer-applied')).toBeGreaterThan(order.indexOf('step-end'));
    expect(order.lastIndexOf('model-call-start')).toBeGreaterThan(
      order.lastIndexOf('steer-applied'),
    );
  });
});

describe('a dropped steer as the observers see it', () => {
  it('names why it was dropped: a span event attribute, the recorded line, the browser event', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-steer-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { gemini, tools } = serve(() => {});
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools,
      recorder,
      telemetry: { tracerProvider, conventions: 'latest' },
      maxSteps: 1,
    });
    const stream = agent.stream('Find a');
    const browser: unknown[] = [];
    for await (const event of stream) {
      // Sent while the only model step allowed is under way: the run ends without it.
      if (event.type === 'step-start') stream.steer('Too late.');
      if (event.type === 'steer')
        browser.push(
          toBrowserEvent(event, {
            thoughts: false,
            maxResultPreviewChars: 100,
            redaction: undefined,
          }),
        );
    }
    await stream.result;
    await recorder.flush();
    const runSpan = exporter
      .getFinishedSpans()
      .find((span) => span.name.startsWith('invoke_agent'));
    const dropped = (runSpan?.events ?? []).find(
      (event) => event.attributes?.['gemloop.steer.status'] === 'dropped',
    );
    expect(dropped?.attributes?.['gemloop.steer.reason']).toBe('run-ended');
    const [name] = (await readdir(dir)).filter((file) => file.endsWith('.jsonl'));
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    expect(
      lines.flatMap((line) => (line.type === 'steer' ? [`${line.status} ${line.reason}`] : [])),
    ).toEqual(['received undefined', 'dropped run-ended']);
    expect(browser.at(-1)).toMatchObject({ type: 'steer', status: 'dropped', reason: 'run-ended' });
    expect(browser[0]).not.toHaveProperty('reason');
  });
});
