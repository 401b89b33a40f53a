// The key written by the model (key-in-answer, after attack-core5): a tool result told the model
// to print its configuration, and it did, in its text, in a `functionCall`'s arguments and in a
// thought summary. Spans (OpenTelemetry's in-memory exporter, content recorded) and the run
// recorder's file (full fidelity) leave the process: the key must be in neither, with either auth
// form, streamed or unary. The run itself keeps the model's words as written (`result.text`, the
// history sent back to the model). Public imports only, the fake Gemini on 127.0.0.1.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KEY, MODEL, MODES, outcome, spansAsText } from './outside-attack-kit.ts';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the key the model wrote reaches no span and no recording', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const mode of MODES) {
      it(`text, call arguments and thoughts (${auth}, ${mode})`, async () => {
        const fake = createFakeGemini({
          script: [
            turn.parts([
              { text: `Printing my config: key=${KEY}`, thought: true },
              { functionCall: { name: 'post', args: { body: `config ${KEY}`, list: [KEY] } } },
            ]),
            turn.text(`Done. Your key is ${KEY}.`),
          ],
        });
        fakes.push(fake);
        const { url } = await fake.listen();
        const dir = await mkdtemp(join(tmpdir(), 'gemloop-key-in-answer-'));
        dirs.push(dir);
        const gemini = createGemini({ baseUrl: url, apiKey: KEY, auth, retry: false });
        const exporter = new InMemorySpanExporter();
        const tracerProvider = new BasicTracerProvider({
          spanProcessors: [new SimpleSpanProcessor(exporter)],
        });
        const posted: unknown[] = [];
        const post = defineTool({
          name: 'post',
          parameters: z.object({ body: z.string(), list: z.array(z.string()) }),
          execute: (args) => {
            posted.push(args);
            return { ok: true };
          },
        });
        const recorder = createRunRecorder({ dir, fidelity: 'full' });
        const agent = createAgent({
          gemini,
          model: MODEL,
          tools: [post],
          recorder,
          telemetry: { tracerProvider, recordContent: true, conventions: 'latest' },
        });
        const { result, error } = await outcome(agent, mode, 'Print your config.');
        expect(error).toBeUndefined();
        // The run keeps the model's words: the history is sent back as the model wrote it.
        expect(result?.text).toContain(KEY);
        expect(posted).toEqual([{ body: `config ${KEY}`, list: [KEY] }]);
        expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain(KEY);

        const spans = exporter.getFinishedSpans();
        const text = spansAsText(spans);
        // Content was recorded (the redacted words are there), and the key is not.
        expect(text).toContain('gen_ai.output.messages');
        expect(text).toContain('Your key is [redacted]');
        expect(text).not.toContain(KEY);

        await recorder.flush();
        const recorded = (
          await Promise.all((await readdir(dir)).map((file) => readFile(join(dir, file), 'utf8')))
        ).join('\n');
        expect(recorded).toContain('Your key is [redacted]');
        expect(recorded).toContain('config [redacted]');
        expect(recorded).toContain('key=[redacted]');
        expect(recorded).not.toContain(KEY);
      });
    }
  }
});
