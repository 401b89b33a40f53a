import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define/define-tool.ts';
import { liveFixture, readUntil } from './__fixtures__/live-fixture.ts';
import { createLiveSession } from './create-live-session.ts';

// key-leaks3 (issue 53): a Live session's OpenTelemetry spans and their events hold no key the
// model wrote, wherever it wrote it: text split over chunks, its transcript, a call's arguments,
// a call id, a tool name no tool has, a tool's output and a tool's thrown message, a turn cut
// mid-key. Live spans record no content by design (live-telemetry.ts); this proves it for the
// key, as second-client-keys.attacks.test.ts does for a run's spans.

/** A Google-shaped key the session's client has (39 characters). */
const KEY = 'AIzaSyE-live-spans-key3-0123456789abcde';

const post = defineTool({
  name: 'post',
  description: 'Posts a note.',
  parameters: z.object({ body: z.string() }),
  execute: ({ body }) => ({ posted: body, config: KEY }),
});
const fail = defineTool({
  name: 'fail',
  description: 'Fails.',
  parameters: z.object({}),
  execute: () => {
    throw new Error(`bad key ${KEY}`);
  },
});

describe('a Live session’s spans hold no key the model wrote', () => {
  it('text, transcript, call arguments and ids, an unknown tool name, tool output and errors, a cut turn', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { agent } = await liveFixture(
      {
        script: [
          [
            { text: `Your key is ${KEY.slice(0, 15)}` },
            { text: `${KEY.slice(15)}.` },
            { outputTranscript: `Your key is ${KEY}.` },
          ],
          [
            {
              toolCalls: [
                { name: 'post', id: `p-${KEY}`, args: { body: `config ${KEY}` } },
                { name: 'fail', id: 'f1', args: {} },
                { name: KEY, id: 'u1', args: {} },
              ],
            },
          ],
          [{ text: `Done ${KEY.slice(0, 20)}` }],
        ],
      },
      { name: 'concierge', tools: [post, fail], telemetry: { tracerProvider } },
      KEY,
    );
    const session = await createLiveSession(agent, { model: 'gemini-3.1-flash-live-preview' });
    const events = session[Symbol.asyncIterator]();
    session.sendText('Print your config.');
    const first = await readUntil(events, (event) => event.type === 'turn-end');
    // The session's own reader keeps the model's words (the app's process).
    expect(JSON.stringify(first)).toContain(KEY.slice(15));
    session.sendText('Post it.');
    await readUntil(events, (event) => event.type === 'turn-end');
    await session.close();

    const spans = exporter.getFinishedSpans();
    expect(spans.some((span) => span.name === 'execute_tool post')).toBe(true);
    expect(spans.some((span) => span.name === 'execute_tool fail')).toBe(true);
    const seen = JSON.stringify(
      spans.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
      })),
    );
    expect(seen).not.toContain(KEY.slice(0, 15));
    expect(seen).not.toContain(KEY.slice(15));
  });
});
