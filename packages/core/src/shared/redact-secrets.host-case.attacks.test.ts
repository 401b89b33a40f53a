import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createApiCallError } from '../errors/api-call/create-api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { redactLocalDetails } from './redact-secrets.ts';

// leftovers83 (leftovers82's note): the quoted host of a private-network domain (`"db.internal"`,
// `"x.svc.cluster.local"`) was redacted only in lower case. Host names are case-insensitive (RFC
// 4343, "Domain Name System (DNS) Case Insensitivity Clarification"), and what a user typed into
// a config (`DB_HOST=DB.INTERNAL`) is what the driver quotes back: `"DB.INTERNAL"`,
// `"Cache.Svc.Cluster.Local"`, `'NAS.HOME.ARPA'` reached the model, the events, the spans and
// the run's error as they were.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('redactLocalDetails: a private-network host in any case', () => {
  it.each([
    ['could not open "DB.INTERNAL"', 'could not open "<host>"'],
    ['could not open "Db.Internal"', 'could not open "<host>"'],
    ['no answer from "ORDERS.PROD.SVC.CLUSTER.LOCAL"', 'no answer from "<host>"'],
    ['no answer from "Cache.Svc.Cluster.Local"', 'no answer from "<host>"'],
    ["no answer from 'NAS.HOME.ARPA'", "no answer from '<host>'"],
    ['lost "Printer.Lan" after 3 tries', 'lost "<host>" after 3 tries'],
    ['lost "API.CORP" after 3 tries', 'lost "<host>" after 3 tries'],
    ['upstream "Db.Internal:5432" closed', 'upstream "<host>" closed'],
    ['upstream Db.Internal:5432 closed', 'upstream <host> closed'],
  ])('%s', (text, redacted) => {
    expect(redactLocalDetails(text)).toBe(redacted);
    // What the lower-case name gives, the upper-case one gives.
    expect(redactLocalDetails(text.toLowerCase())).toBe(redacted.toLowerCase());
  });

  it.each([
    'call to "generativelanguage.googleapis.com" failed',
    'call to "GENERATIVELANGUAGE.GOOGLEAPIS.COM" failed',
    'file "SETTINGS.LOCAL" not found',
    'file "Notes.Internal.md" not found',
    'model "GEMINI-2.5-FLASH" is overloaded',
    'Tool "Get-Weather" failed: timeout',
  ])('keeps public hosts and ordinary quoted words in any case: %s', (text) => {
    expect(redactLocalDetails(text)).toBe(text);
  });

  it('is idempotent', () => {
    const once = redactLocalDetails('lost "DB.INTERNAL" and "Cache.Svc"');
    expect(once).toBe('lost "<host>" and "<host>"');
    expect(redactLocalDetails(once)).toBe(once);
  });
});

describe('an upper-case private host thrown by a tool or quoted by a gateway', () => {
  const THROWN = 'could not reach replica "DB.INTERNAL" (nor "Cache.Svc.Cluster.Local")';

  it.each([false, true])(
    "streamed %s: the model, the spans (and the stream's events) get <host>",
    async (streamed) => {
      const fake = createFakeGemini({
        script: [turn.call('lookup', { id: 1 }), turn.text('sorry')],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
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
        gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
        model: 'gemini-2.5-flash',
        tools: [lookup],
        telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
      });
      const events: unknown[] = [];
      if (streamed) {
        const stream = agent.stream('look it up');
        for await (const event of stream) events.push(event);
        expect((await stream.result).text).toBe('sorry');
      } else {
        expect((await agent.run('look it up')).text).toBe('sorry');
      }
      // As each is read here, JSON: its quotes escaped.
      const told = JSON.stringify(
        'lookup failed: could not reach replica "<host>" (nor "<host>")',
      ).slice(1, -1);
      const sentToModel = JSON.stringify(fake.modelRequests[1]?.body);
      const seenInSpans = JSON.stringify(
        exporter.getFinishedSpans().map((span) => [span.status, span.attributes, span.events]),
      );
      const seenInEvents = JSON.stringify(events);
      for (const seen of streamed
        ? [sentToModel, seenInSpans, seenInEvents]
        : [sentToModel, seenInSpans]) {
        expect(seen).toContain(told);
        expect(seen).not.toMatch(/db\.internal|cache\.svc/i);
      }
    },
  );

  it("a gateway's error text quoting one: the ApiCallError's message gets <host>", () => {
    const text = 'upstream "LLM-PROXY.INTERNAL" unreachable';
    const error = createApiCallError({
      url: 'https://gateway.example/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      status: 502,
      body: JSON.stringify({ error: { code: 502, message: text, status: 'UNAVAILABLE' } }),
      responseHeaders: new Headers({ 'content-type': 'application/json' }),
      auth: 'x-goog-api-key',
    });
    expect(error.message).toContain('upstream "<host>" unreachable');
    expect(error.message).not.toMatch(/llm-proxy/i);
  });
});
