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

// attack63a: an approval's `modify` hands the tool arguments the caller made, not the model: a
// BigInt id (a database driver's) passes a `z.any()` field, the tool runs with it and answers.
// The call's span wrote those arguments with a bare JSON.stringify, which threw before the
// span ended: the call that ran was missing from the trace.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe("an approval's modified arguments that JSON cannot write", () => {
  it.each([false, true])(
    'the call span still ends, marked modified (streamed: %s)',
    async (streamed) => {
      const fake = createFakeGemini({
        script: [turn.call('charge', { id: 1 }), turn.text('done')],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const ran: unknown[] = [];
      const charge = defineTool({
        name: 'charge',
        description: 'Charges an order.',
        parameters: z.object({ id: z.any() }),
        execute: (args) => {
          ran.push(args);
          return { charged: true };
        },
      });
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'secret-test-key', retry: false }),
        model: 'gemini-2.5-flash',
        tools: [charge],
        beforeToolCall: () => ({ type: 'modify' as const, args: { id: 9007199254740993n } }),
        telemetry: { tracerProvider, conventions: 'latest', recordContent: true },
      });
      const text = streamed ? (await agent.stream('Go').result).text : (await agent.run('Go')).text;
      expect(text).toBe('done');
      expect(ran).toEqual([{ id: 9007199254740993n }]);
      const span = exporter.getFinishedSpans().find((item) => item.name === 'execute_tool charge');
      expect(span).toBeDefined();
      expect(span?.attributes['gemloop.tool.call.modified']).toBe(true);
      expect(span?.attributes['gemloop.tool.call.modified_arguments']).toBe('"[unserialisable]"');
      expect(span?.attributes['gen_ai.tool.call.result']).toBe('{"charged":true}');
    },
  );
});
