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

/** Text with a right-to-left override: shown as text, the override as a visible marker. */
export const BIDI_TEXT = 'invoice_\u202Egpj.exe';

/** A tool result field longer than the viewer shows before "show more". */
export const HUGE_TEXT = `start-of-huge ${'0123456789'.repeat(20_000)} end-of-huge`;

/** What the hostile run asks, and the thought its first step has. */
export const QUESTION = 'Fetch example.com and the weather in Atlantis. <b>Both</b>, please.';
export const THOUGHT = 'I should fetch the page and look up the weather at the same time.';

/** The chat session's second turn's own generation settings (`chat.send`'s run option). */
export const TURN_SETTINGS = { temperature: 0.3, maxOutputTokens: 128 };

/** Why the aborted run was stopped. */
export const ABORT_REASON = 'user left the page';

/**
 * Records sample runs with the real recorder against the fake Gemini server: parallel tool calls
 * (one hostile result, one failure) after a thought, a grounded answer, a two-turn chat session, a
 * failed run and a run aborted during a tool call.
 * Returns the folder.
 */
export async function recordSampleRuns(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-view-'));
  const fake = createFakeGemini({
    script: [
      turn.calls(
        [
          { name: 'fetch_page', args: { url: 'https://example.com' } },
          { name: 'get_weather', args: { city: 'Atlantis' } },
        ],
        { thoughts: THOUGHT },
      ),
      turn.grounded('Done: the page was fetched.', {
        sources: [{ uri: 'https://example.com/source', title: 'Example source' }],
      }),
      turn.text('Hello from turn one.'),
      turn.text('Hello from turn two.'),
      turn.call('wait_for_user', {}),
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
        return { html: HOSTILE_TEXT, file: BIDI_TEXT, body: HUGE_TEXT };
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
    await createAgent({ ...base, name: 'hostile-agent', tools: [fetchPage, weather] }).run(QUESTION);
    const chat = createChatSession({
      agent: createAgent({ ...base, name: 'chat-agent' }),
      id: 'session-abc',
    });
    await chat.send('Hi');
    // The second turn has settings of its own (the run option): its request shows them.
    await chat.send('Again', { generationConfig: TURN_SETTINGS });
    await createAgent({ ...base, name: 'failing-agent' })
      .run('This call fails.')
      .catch(() => undefined);
    // Aborted while its tool runs: the tool stops the run as a user closing the page would.
    const controller = new AbortController();
    const waitForUser = defineTool({
      name: 'wait_for_user',
      description: 'Waits for the user.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          controller.abort(ABORT_REASON);
        }),
    });
    await createAgent({ ...base, name: 'aborted-agent', tools: [waitForUser] })
      .run('Wait for me.', { signal: controller.signal })
      .catch(() => undefined);
    await recorder.flush();
  } finally {
    await fake.close();
  }
  return dir;
}
