// everywhere42: this session's new errors (ForeignResponseError, PluginError) as every path of a
// run shows them: a subagent's failure as its parent throws it (SubagentError's cause), in run,
// stream and a chat send; the spans' `error.type`; the recorder's run file (what `gemloop view`
// reads); and what a page or a door is told (toBrowserError). The parent talks to the project's
// fake Gemini; the child to a gateway that answers an OpenAI chat completion, or has a plugin that
// throws.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { subagent } from '../../composition/subagent.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { createRunRecorder } from '../../recorder/create-run-recorder.ts';
import { toBrowserError } from '../../web/to-browser-error.ts';
import { createAgent } from '../create-agent.ts';
import { definePlugin } from '../plugins/define-plugin.ts';
import { PluginError } from '../plugins/plugin-error.ts';
import { ForeignResponseError } from './foreign-response-error.ts';
import { SubagentError } from './subagent-error.ts';

const model = 'gemini-2.5-flash';
const CHAT_COMPLETION = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
};

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** An OpenAI-compatible route answering every call, unary and streamed, with a chat completion. */
const openAiRoute = createGemini({
  apiKey: 'test-key',
  retry: false,
  fetch: (async (url: unknown) =>
    String(url).includes(':streamGenerateContent')
      ? new Response(`data: ${JSON.stringify(CHAT_COMPLETION)}\n\n`, {
          headers: { 'content-type': 'text/event-stream' },
        })
      : Response.json(CHAT_COMPLETION)) as typeof fetch,
});

type Failure = 'foreign' | 'plugin';

/** lead → clerk (onError: 'throw'), the clerk failing as `failure` says; spans and run files kept. */
async function tree(failure: Failure) {
  const fake = createFakeGemini({
    script: [turn.call('delegate', { task: 'look it up' }), turn.text('Done.')],
  });
  fakes.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-everywhere42-'));
  const recorder = createRunRecorder({ dir });
  // The recorder writes a run's file after the run settles: removed before it is flushed, the
  // folder got a file while `rm` emptied it (ENOTEMPTY, a fresh clone's run, 2026-11-30).
  onTestFinished(async () => {
    await recorder.flush();
    await rm(dir, { recursive: true, force: true });
  });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const telemetry = { tracerProvider, conventions: 'latest' as const };
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  const clerk =
    failure === 'foreign'
      ? createAgent({ gemini: openAiRoute, model, recorder, telemetry })
      : createAgent({
          gemini,
          model,
          recorder,
          telemetry,
          plugins: [
            definePlugin({
              name: 'ledger',
              beforeModelCall: () => {
                throw new Error('ledger closed');
              },
            }),
          ],
        });
  const lead = createAgent({
    gemini,
    model,
    recorder,
    telemetry,
    tools: [subagent(clerk, { name: 'delegate', description: 'Delegates.', onError: 'throw' })],
  });
  const seen = async () => {
    await recorder.flush();
    const files = await Promise.all(
      (await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')),
    );
    const types = exporter.getFinishedSpans().map((span) => span.attributes['error.type']);
    return { recorded: files.join('\n'), types };
  };
  return { lead, seen };
}

const NAME: Record<Failure, string> = { foreign: 'ForeignResponseError', plugin: 'PluginError' };

describe("this session's errors through a subagent, a chat, the spans and the recorder", () => {
  for (const failure of ['foreign', 'plugin'] as const) {
    for (const mode of ['run', 'stream', 'chat'] as const) {
      it(`a child's ${NAME[failure]} is the parent's SubagentError cause, typed (${mode})`, async () => {
        const { lead, seen } = await tree(failure);
        const send =
          mode === 'run'
            ? lead.run('Find it.')
            : mode === 'stream'
              ? lead.stream('Find it.').result
              : createChatSession({ agent: lead }).send('Find it.');
        const error = await send.then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(SubagentError.isInstance(error)).toBe(true);
        const cause = (error as SubagentError).cause;
        if (failure === 'foreign') {
          expect(ForeignResponseError.isInstance(cause)).toBe(true);
          expect(cause).toMatchObject({
            code: 'foreign-response',
            format: 'openai-chat-completion',
          });
        } else {
          expect(PluginError.isInstance(cause)).toBe(true);
          expect(cause).toMatchObject({
            code: 'plugin',
            plugin: 'ledger',
            hook: 'beforeModelCall',
          });
        }
        const { recorded, types } = await seen();
        expect(types).toContain(NAME[failure]);
        expect(types).toContain('SubagentError');
        expect(recorded).toContain(`"name":"${NAME[failure]}"`);
      });
    }
  }

  it('a chat send to an OpenAI-compatible route fails with the ForeignResponseError itself', async () => {
    const chat = createChatSession({ agent: createAgent({ gemini: openAiRoute, model }) });
    const error = await chat.send('Hi').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ForeignResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ format: 'openai-chat-completion' });
  });

  it('a page and the doors are told the class and code in fixed words', async () => {
    const foreign = await createAgent({ gemini: openAiRoute, model })
      .run('Hi')
      .catch((thrown: unknown) => thrown);
    expect(toBrowserError(foreign, undefined)).toEqual({
      name: 'ForeignResponseError',
      code: 'foreign-response',
      message: 'The model could not be reached.',
    });
    const { lead } = await tree('plugin');
    const subagentError = await lead.run('Find it.').catch((thrown: unknown) => thrown);
    const plugin = (subagentError as SubagentError).cause;
    expect(toBrowserError(plugin, undefined)).toMatchObject({
      name: 'PluginError',
      code: 'plugin',
    });
  });
});
