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
import { defineTool } from '../tools/define/define-tool.ts';

// attack14: what a tool's throw leaves in the OpenTelemetry spans. The guide: thrown messages,
// secrets and internal addresses never reach a span. A database driver's error names the host
// and, often, the connection string. Held (a probe kept as a test).

const KEY = 'secret-test-key-0123456789';
const THROWN = 'connect ECONNREFUSED 10.20.30.40:5432 (postgres://app:hunter2@10.20.30.40/db)';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('a tool that throws, seen in the spans', () => {
  it.each([false, true])(
    'content capture %s: no address, password or key of the thrown message reaches a span',
    async (recordContent) => {
      const fake = createFakeGemini({
        script: [turn.call('lookup', { id: 1 }), turn.text('sorry')],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const gemini = createGemini({ baseUrl: url, apiKey: KEY, retry: false });
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const lookup = defineTool({
        name: 'lookup',
        description: 'Looks a row up.',
        parameters: z.object({ id: z.number() }),
        execute: () => {
          throw new Error(THROWN);
        },
      });
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [lookup],
        telemetry: { tracerProvider, conventions: 'latest', recordContent },
      });
      const result = await agent.run('look it up');
      expect(result.text).toBe('sorry');
      const spans = exporter.getFinishedSpans();
      expect(spans.length).toBeGreaterThan(1);
      const seen = JSON.stringify(
        spans.map((span) => ({
          name: span.name,
          status: span.status,
          attributes: span.attributes,
          events: span.events,
        })),
      );
      // Held: the message is the one the model is sent, its address and URL taken out
      // (`safeToolErrorMessage`); the driver's code is kept.
      expect(seen).toContain('lookup failed: connect ECONNREFUSED <host> (<url>)');
      for (const leaked of ['hunter2', '10.20.30.40', 'postgres://', KEY]) {
        expect(seen).not.toContain(leaked);
      }
    },
  );
});
