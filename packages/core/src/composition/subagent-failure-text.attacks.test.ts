// attack30: what a failing child tells the tree. A child's failure is a thrown message from
// code the parent does not own (a plugin, a `prompt` function, a database driver under the
// child's tool): it names internal hosts, connection strings with passwords, keys. Such a
// message must not reach the parent model, the events, the spans, the recorder or the client,
// in any mode (run, stream, chat, a child of a child), and a megabyte of it must not be sent on.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, routeByAgent, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Agent } from '../agent/create-agent.ts';
import { createAgent } from '../agent/create-agent.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from '../recorder/create-run-recorder.ts';
import { subagent } from './subagent.ts';

const model = 'gemini-2.5-flash';
// What a driver's error holds: a connection string with its password, an internal address, a
// key after the header that names it.
const THROWN =
  'connect ECONNREFUSED 10.20.30.40:5432 (postgres://app:hunter2@db.internal/main) x-goog-api-key: AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';
const LEAKS = ['hunter2', '10.20.30.40', 'db.internal', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW'];

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A plugin of the child that throws `message` before its first model call. */
const failing = (message: string) =>
  definePlugin({
    name: 'db-lookup',
    beforeModelCall: () => {
      throw new Error(message);
    },
  });

/**
 * lead → (mid →)? leaf, the leaf failing with `message`; every model request, event, span and
 * recorded line is kept for the assertions.
 */
async function tree(options: { message: string; depth: 1 | 2; onError?: 'throw' }) {
  const fake = createFakeGemini({
    script: routeByAgent([
      {
        match: 'You lead',
        script: [turn.call('delegate', { task: 'look it up' }), turn.text('Sorry.')],
      },
      {
        match: 'You relay',
        script: [turn.call('lookup', { task: 'look it up' }), turn.text('It failed.')],
      },
    ]),
  });
  fakes.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack30-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const recorder = createRunRecorder({ dir });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const telemetry = { tracerProvider, conventions: 'latest' as const, recordContent: true };
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const common = { gemini, model, recorder, telemetry };
  const leaf = createAgent({
    ...common,
    instructions: 'You look up.',
    plugins: [failing(options.message)],
  });
  const onError = options.onError === undefined ? {} : { onError: options.onError };
  const child: Agent<undefined> =
    options.depth === 1
      ? leaf
      : createAgent({
          ...common,
          instructions: 'You relay.',
          tools: [subagent(leaf, { name: 'lookup', description: 'Looks up.', ...onError })],
        });
  const lead = createAgent({
    ...common,
    instructions: 'You lead.',
    tools: [subagent(child, { name: 'delegate', description: 'Delegates.', ...onError })],
  });
  const seen = async (): Promise<string> => {
    // Every line written first: a run's lines are appended after it returns.
    await recorder.flush();
    const recorded = await Promise.all(
      (await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')),
    );
    const spans = exporter.getFinishedSpans().map((span) => ({
      status: span.status,
      attributes: span.attributes,
      events: span.events,
    }));
    return JSON.stringify({ requests: fake.modelRequests.map((r) => r.body), recorded, spans });
  };
  return { lead, fake, seen };
}

const modes = ['run', 'stream', 'chat'] as const;

describe('a failing subagent, seen from above', () => {
  for (const mode of modes) {
    for (const depth of [1, 2] as const) {
      it(`tells the parent model it failed without the thrown message's secrets (${mode}, depth ${depth})`, async () => {
        const { lead, fake, seen } = await tree({ message: THROWN, depth });
        let events = '';
        let text: string;
        if (mode === 'run') text = (await lead.run('Find row 7.')).text;
        else if (mode === 'stream') {
          const stream = lead.stream('Find row 7.');
          const all: unknown[] = [];
          for await (const event of stream) all.push(event);
          events = JSON.stringify(all);
          text = (await stream.result).text;
        } else text = (await createChatSession({ agent: lead }).send('Find row 7.')).text;
        expect(text).toBe('Sorry.');
        // The parent model still learns what failed, and the driver's own words.
        // The request that answers the failed call: the lead's (depth 1) or the relay's (2).
        const toParent = JSON.stringify(fake.modelRequests[depth === 1 ? 1 : 2]?.body);
        expect(toParent).toContain('"error"');
        expect(toParent).toContain('ECONNREFUSED');
        const everything = `${events}${await seen()}`;
        for (const leaked of LEAKS) expect(everything).not.toContain(leaked);
      });
    }
  }

  it("keeps the secrets out of the SubagentError message under onError: 'throw' (its cause keeps the error)", async () => {
    const { lead, seen } = await tree({ message: THROWN, depth: 2, onError: 'throw' });
    const error = await lead.run('Find row 7.').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(SubagentError.isInstance(error)).toBe(true);
    const message = (error as SubagentError).message;
    expect(message).toContain('ECONNREFUSED');
    for (const leaked of LEAKS) expect(message).not.toContain(leaked);
    const all = await seen();
    for (const leaked of LEAKS) expect(all).not.toContain(leaked);
  });

  it('sends the parent model a bounded failure message for a child that threw a megabyte', async () => {
    const fake = createFakeGemini({
      script: [turn.call('delegate', { task: 'look it up' }), turn.text('Sorry.')],
    });
    fakes.push(fake);
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const child = createAgent({ gemini, model });
    const lead = createAgent({
      gemini,
      model,
      tools: [
        subagent(child, {
          name: 'delegate',
          description: 'Delegates.',
          // Code of the parent's side that builds the child's input, throwing a whole page.
          prompt: () => {
            throw new Error(`upstream said: ${'x'.repeat(1_000_000)}`);
          },
        }),
      ],
    });
    expect((await lead.run('Find row 7.')).text).toBe('Sorry.');
    const toParent = JSON.stringify(fake.modelRequests.at(-1)?.body);
    expect(toParent).toContain('upstream said');
    expect(toParent.length).toBeLessThan(10_000);
  });
});
