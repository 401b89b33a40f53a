// The key in what spans record (attack-core5): a tool failing with it, a plugin's check report
// quoting it, an API error quoting it, with content recording on. Public imports only, the fake
// Gemini on 127.0.0.1, OpenTelemetry's in-memory exporter. Spans leave the process: the key must
// be in none of them. A model answer that echoes the key (found here by attack-core5) has its own
// test: key-in-answer.attacks.test.ts.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, type FakeGemini, googleError, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY, MODEL, MODES, outcome, spansAsText } from './outside-attack-kit.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('spans keep the key out', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const mode of MODES) {
      it(`with content recorded (${auth}, ${mode})`, async () => {
        const fake = createFakeGemini({
          script: [turn.call('leaky', {}), turn.text('done'), turn.text('never')],
          faults: [
            {
              fault: {
                type: 'http-error',
                error: googleError(400, `bad request with key ${KEY}`),
              },
              on: 2,
            },
          ],
        });
        fakes.push(fake);
        const { url } = await fake.listen();
        const gemini = createGemini({ baseUrl: url, apiKey: KEY, auth, retry: false });
        const exporter = new InMemorySpanExporter();
        const tracerProvider = new BasicTracerProvider({
          spanProcessors: [new SimpleSpanProcessor(exporter)],
        });
        const leaky = defineTool({
          name: 'leaky',
          parameters: z.object({}),
          execute: () => {
            throw new Error(`upstream refused ${KEY}`);
          },
        });
        const reporter = definePlugin({
          name: 'reporter',
          afterModelCall(step, run) {
            run.reportCheck({
              name: `check ${KEY}`,
              phase: 'output',
              stepNumber: step.stepNumber,
              verdict: 'pass',
              tripped: false,
              reason: `saw ${KEY}`,
              startedAt: 0,
              endedAt: 1,
            });
          },
        });
        const agent = createAgent({
          gemini,
          model: MODEL,
          tools: [leaky],
          plugins: [reporter],
          telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
        });
        await outcome(agent, mode, 'Go.');
        await outcome(agent, mode, 'Again.');
        const spans = exporter.getFinishedSpans();
        expect(spans.length).toBeGreaterThan(3);
        // The second run's call failed with the API's words (SpanStatusCode.ERROR).
        expect(spans.some((span) => span.status.code === 2)).toBe(true);
        const text = spansAsText(spans);
        expect(text).not.toContain(KEY);
      });
    }
  }
});
