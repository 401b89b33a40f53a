import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedGemini, textTurn } from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { guardrails as makeGuardrails } from './index.ts';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

let clock = 1_000;
const now = () => (clock += 10);

const guardrails = makeGuardrails({
  input: [{ name: 'topic', check: () => ({ type: 'pass' }) }],
  output: [{ name: 'no-secrets', check: () => ({ type: 'block', reason: 'leaks a secret' }) }],
});

describe('guardrail checks are seen like the rest of a run', () => {
  it('as a span each, under the run span, the trip failing its span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('the password is hunter2')]),
      model: 'gemini-2.5-flash',
      guardrails,
      now,
      telemetry: { tracerProvider },
    });
    await agent.run('hi').catch(() => undefined);
    const spans = exporter.getFinishedSpans();
    const run = spans.find((span) => span.name.startsWith('invoke_agent'));
    const topic = spans.find((span) => span.name === 'guardrail topic');
    const secrets = spans.find((span) => span.name === 'guardrail no-secrets');
    expect(topic?.attributes).toMatchObject({
      'gemloop.guardrail.phase': 'input',
      'gemloop.guardrail.verdict': 'pass',
      'gemloop.guardrail.tripped': false,
    });
    expect(topic?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(secrets?.attributes['gemloop.guardrail.verdict']).toBe('block');
    expect(secrets?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'leaks a secret' });
    expect(run?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('as recorded lines, in order, with the verdict and never the checked text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-guardrails-rec-'));
    directories.push(dir);
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini: createScriptedGemini([textTurn('the password is hunter2')]),
      model: 'gemini-2.5-flash',
      guardrails,
      recorder,
      telemetry: false,
    });
    await agent.run('hi').catch(() => undefined);
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const checks = lines.filter((line) => line.type === 'guardrail');
    expect(checks.map((line) => [line.name, line.phase, line.verdict, line.tripped])).toEqual([
      ['topic', 'input', 'pass', false],
      ['no-secrets', 'output', 'block', true],
    ]);
    expect(lines.map((line) => line.type).indexOf('guardrail')).toBeLessThan(
      lines.map((line) => line.type).indexOf('model-call-start'),
    );
    expect(JSON.stringify(checks)).not.toContain('hunter2');
    expect(lines.at(-1)).toMatchObject({ type: 'run-end', outcome: 'error' });
  });
});
