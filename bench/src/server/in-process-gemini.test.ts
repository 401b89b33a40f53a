import { describe, expect, it } from 'vitest';
import { floorContender, floorStreamContender } from '../contenders/floor.ts';
import { createRunScript, type JsonObject } from '../script/run-script.ts';
import { contenderBaseUrl } from './contender-base-url.ts';
import { createInProcessGemini, IN_PROCESS_ORIGIN } from './in-process-gemini.ts';

describe('createInProcessGemini', () => {
  it('plays a whole run to the scripted answer for a correct client, plain and streamed', async () => {
    const script = createRunScript('par3', 5);
    for (const contender of [floorContender, floorStreamContender]) {
      const server = createInProcessGemini();
      const runner = await contender.createLoop({
        baseUrl: contenderBaseUrl(IN_PROCESS_ORIGIN, contender.name, 'par3'),
        apiKey: 'test',
        maxSteps: 10,
        fetch: server.fetch,
      });
      expect(await runner.run(script.prompt)).toBe(script.finalText);
      const stats = server.stats();
      expect(stats).toMatchObject({ requests: script.rounds.length + 1, failures: 0, finals: 1 });
      expect(stats.serverNs).toBeGreaterThan(0);
    }
  });

  it('refuses a lossy history with a Gemini-style 400, as the HTTP server does', async () => {
    const server = createInProcessGemini();
    const script = createRunScript('seq5', 2);
    const round = script.rounds[0]!;
    const unsigned = structuredClone(round.modelContent);
    delete (unsigned['parts'] as JsonObject[])[0]!['thoughtSignature'];
    const response = await server.fetch(
      `${contenderBaseUrl(IN_PROCESS_ORIGIN, 'lossy', 'seq5')}/v1beta/models/gemini-3-flash-preview:generateContent`,
      {
        method: 'POST',
        body: JSON.stringify({
          contents: [
            { role: 'user', parts: [{ text: script.prompt }] },
            unsigned,
            {
              role: 'user',
              parts: round.calls.map((call) => ({
                functionResponse: { id: call.id, name: call.name, response: call.result },
              })),
            },
          ],
          tools: [{ functionDeclarations: [{ name: 'add' }, { name: 'multiply' }] }],
        }),
      },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { status: string; message: string } };
    expect(body.error.message).toContain('thoughtSignature: missing');
    expect(server.stats()).toMatchObject({ requests: 1, failures: 1, finals: 0 });
  });

  it('answers only its own origin, and honours an aborted signal', async () => {
    const server = createInProcessGemini();
    const path = '/c/x/seq5/v1beta/models/gemini-3-flash-preview:generateContent';
    const elsewhere = await server.fetch(`http://127.0.0.1:1${path}`, {
      method: 'POST',
      body: '{}',
    });
    expect(elsewhere.status).toBe(404);
    const aborted = server.fetch(`${IN_PROCESS_ORIGIN}${path}`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.abort(new Error('stop')),
    });
    await expect(aborted).rejects.toThrow('stop');
  });
});
