import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createChatSession, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, googleError, turn } from '@gemloop/testing';
import { z } from 'zod';

/** What a tool hands back to try to run code in the viewer. */
export const HOSTILE_TEXT =
  '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

/**
 * Records sample runs with the real recorder against the fake Gemini server: parallel tool calls
 * (one hostile result, one failure), a grounded answer, a two-turn chat session, and a failed run.
 * Returns the folder.
 */
export async function recordSampleRuns(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-view-'));
  const fake = createFakeGemini({
    script: [
      turn.calls([
        { name: 'fetch_page', args: { url: 'https://example.com' } },
        { name: 'get_weather', args: { city: 'Atlantis' } },
      ]),
      turn.grounded('Done: the page was fetched.', {
        sources: [{ uri: 'https://example.com/source', title: 'Example source' }],
      }),
      turn.text('Hello from turn one.'),
      turn.text('Hello from turn two.'),
    ],
    faults: [{ fault: { type: 'http-error', error: googleError(400, 'This request is bad.') }, on: 4 }],
  });
  const { url } = await fake.listen();
  try {
    const gemini = createGemini({ baseUrl: url, apiKey: 'view-test-key', retry: false });
    const recorder = createRunRecorder({ dir });
    const fetchPage = defineTool({
      name: 'fetch_page',
      description: 'Fetches a page.',
      parameters: z.object({ url: z.string() }),
      execute: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { html: HOSTILE_TEXT };
      },
    });
    const weather = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error(`no such city: ${city}`);
      },
    });
    const base = { gemini, model: 'gemini-2.5-flash', recorder, telemetry: false } as const;
    await createAgent({ ...base, name: 'hostile-agent', tools: [fetchPage, weather] }).run(
      'Fetch example.com and the weather in Atlantis.',
    );
    const chat = createChatSession({
      agent: createAgent({ ...base, name: 'chat-agent' }),
      id: 'session-abc',
    });
    await chat.send('Hi');
    await chat.send('Again');
    await createAgent({ ...base, name: 'failing-agent' })
      .run('This call fails.')
      .catch(() => undefined);
    await recorder.flush();
  } finally {
    await fake.close();
  }
  return dir;
}
