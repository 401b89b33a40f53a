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
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import type { RecordedRunLine } from '../recorder/recorded-run.ts';
import { RUN_FILE_NAME } from '../recorder/run-file.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { createAgent } from './create-agent.ts';

// Issue 53 (letters45): typed structured output after a tool call, on the surfaces the README's
// row named none of: a stream, a chat session's send and sendStream (the stored turn is the
// model's JSON), the spans (`gen_ai.output.type`), the recorder (the schema as sent, the JSON as
// the run's text). Gemini 3 takes the schema beside the tools on every request.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Mexico City","country":"Mexico"}';
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: () => 'Mexico City, Mexico',
});

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function serve() {
  const fake = createFakeGemini({
    script: [turn.call('lookup', { q: 'largest city in Mexico' }), turn.text(ANSWER)],
  });
  fakes.push(fake);
  return { fake, gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }) };
}

function expectSchemaOnEveryRequest(fake: FakeGemini): void {
  expect(fake.modelRequests).toHaveLength(2);
  for (const request of fake.modelRequests) {
    expect((request.body as GenerateContentBody).generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', required: ['city', 'country'] },
    });
  }
}

describe('structured output on every way of running', () => {
  it('agent.stream: the typed output after the tool call', async () => {
    const { fake, gemini } = serve();
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      output: City,
    });
    const stream = agent.stream('Largest city in Mexico?');
    for await (const _event of stream) {
      // drained
    }
    const result = await stream.result;
    const city: string = result.output?.city ?? '';
    expect(city).toBe('Mexico City');
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
    expectSchemaOnEveryRequest(fake);
  });

  it.each(['send', 'sendStream'] as const)(
    "a chat session's %s: the typed output; the stored turn is the model's JSON",
    async (mode) => {
      const { fake, gemini } = serve();
      const session = createChatSession({
        agent: createAgent({
          gemini,
          model: 'gemini-3-flash-preview',
          tools: [lookup],
          output: City,
        }),
      });
      let output: z.infer<typeof City> | undefined;
      if (mode === 'send') output = (await session.send('Largest city in Mexico?')).output;
      else {
        const stream = session.sendStream('Largest city in Mexico?');
        for await (const _event of stream) {
          // drained
        }
        output = (await stream.result).output;
      }
      expect(output).toEqual({ city: 'Mexico City', country: 'Mexico' });
      expectSchemaOnEveryRequest(fake);
      const history = await session.history();
      expect(
        history
          .at(-1)
          ?.parts.map((part) => part.text)
          .join(''),
      ).toBe(ANSWER);
      await session.close();
    },
  );

  it('the spans say the output is JSON; the recording holds the schema sent and the JSON answer', async () => {
    const { gemini } = serve();
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-structured-'));
    dirs.push(dir);
    const recorder = createRunRecorder({ dir });
    const result = await createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      output: City,
      recorder,
      telemetry: { tracerProvider, conventions: 'latest' },
    }).run('Largest city in Mexico?');
    expect(result.output).toEqual({ city: 'Mexico City', country: 'Mexico' });
    const calls = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'generate_content gemini-3-flash-preview');
    expect(calls.map((span) => span.attributes['gen_ai.output.type'])).toEqual(['json', 'json']);
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
    const lines = (await readFile(join(dir, name as string), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine);
    const starts = lines.filter((line) => line.type === 'model-call-start');
    expect(starts).toHaveLength(2);
    for (const start of starts) {
      expect(JSON.stringify(start)).toContain('"responseMimeType":"application/json"');
    }
    expect(lines.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success', text: ANSWER });
  });
});
