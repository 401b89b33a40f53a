import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from './create-run-recorder.ts';

// attack42c: a gateway that answers through redirect links may write the client's own key into
// them (`…/grounding-api-redirect/…?key=…`), and into the HTML Google asks apps to show
// (`searchEntryPoint.renderedContent`, gemini-wire.md §3.4). The run's recording, which
// `gemloop view` serves, holds none of it, streamed or unary. Held on arrival; kept as a guard.

const KEY = 'AIzaSyC-grounding-key-attack42c-0123456';

function answer() {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Grounded.' }] },
        finishReason: 'STOP',
        groundingMetadata: {
          groundingChunks: [{ web: { uri: `https://redirect.example/?key=${KEY}`, title: KEY } }],
          searchEntryPoint: { renderedContent: `<a href="https://x/?key=${KEY}">${KEY}</a>` },
          webSearchQueries: [KEY],
        },
        citationMetadata: { citationSources: [{ uri: `https://x/${KEY}` }] },
        urlContextMetadata: { urlMetadata: [{ retrievedUrl: `https://x/?key=${KEY}` }] },
      },
    ],
  };
}

describe('a recording of grounding that holds the client key (attack42c)', () => {
  for (const streamed of [false, true]) {
    it(`holds no key, ${streamed ? 'streamed' : 'unary'}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'gemloop-grounding-key-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      const body = JSON.stringify(answer());
      const fetch = async (): Promise<Response> =>
        streamed
          ? new Response(`data: ${body}\r\n\r\n`, {
              headers: { 'content-type': 'text/event-stream' },
            })
          : new Response(body, { headers: { 'content-type': 'application/json' } });
      const recorder = createRunRecorder({ dir });
      const agent = createAgent({
        gemini: createGemini({ apiKey: KEY, baseUrl: 'https://gateway.test', fetch }),
        model: 'gemini-2.5-flash',
        recorder,
      });
      const result = streamed ? await agent.stream('Search.').result : await agent.run('Search.');
      await recorder.flush();
      // The run itself keeps the model's data as it came (the app's own process).
      expect(JSON.stringify(result.grounding)).toContain(KEY);
      let recorded = '';
      for (const name of await readdir(dir, { recursive: true })) {
        recorded += await readFile(join(dir, name), 'utf8').catch(() => '');
      }
      expect(recorded).toContain('Grounded.');
      expect(recorded).toContain('redirect.example');
      expect(recorded).not.toContain(KEY);
    });
  }
});
