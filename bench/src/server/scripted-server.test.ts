import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floorContender, floorStreamContender } from '../contenders/floor.ts';
import { createRunScript, type JsonObject } from '../script/run-script.ts';
import { contenderBaseUrl } from './contender-base-url.ts';
import { type ScriptedServer, startScriptedServer } from './scripted-server.ts';

describe('startScriptedServer', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('plays a whole run to the scripted answer for a correct client, plain and streamed', async () => {
    const script = createRunScript('par3', 4);
    for (const contender of [floorContender, floorStreamContender]) {
      const runner = await contender.createLoop({
        baseUrl: contenderBaseUrl(server.url, contender.name, 'par3'),
        apiKey: 'test',
        maxSteps: 10,
      });
      expect(await runner.run(script.prompt)).toBe(script.finalText);
      expect(server.stats().contenders[contender.name]).toMatchObject({
        requests: script.rounds.length + 1,
        failures: 0,
        finals: 1,
      });
    }
  });

  it('streams text deltas and ends with the signed empty part Gemini 3 sends', async () => {
    const script = createRunScript('seq5', 1);
    const url = `${contenderBaseUrl(server.url, 'sse-check', 'seq5')}/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse`;
    const contents: JsonObject[] = [{ role: 'user', parts: [{ text: script.prompt }] }];
    for (const round of script.rounds) {
      contents.push(round.modelContent, {
        role: 'user',
        parts: round.calls.map((call) => ({
          functionResponse: { id: call.id, name: call.name, response: call.result },
        })),
      });
    }
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({
        contents,
        tools: [{ functionDeclarations: [{ name: 'add' }, { name: 'multiply' }] }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\r\n\r\n').filter((event) => event !== '');
    expect(events.length).toBeGreaterThan(2);
    const chunks = events.map((event) => JSON.parse(event.slice('data: '.length)));
    const text = chunks.map((chunk) => chunk.candidates[0].content.parts[0].text).join('');
    expect(text).toBe(script.finalText);
    const last = chunks[chunks.length - 1];
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.candidates[0].content.parts[0].thoughtSignature).toEqual(expect.any(String));
  });

  it('answers a lossy request with a Gemini-style 400 and counts the failure', async () => {
    const script = createRunScript('seq5', 2);
    const round = script.rounds[0]!;
    const unsigned = structuredClone(round.modelContent);
    delete (unsigned['parts'] as JsonObject[])[0]!['thoughtSignature'];
    const url = `${contenderBaseUrl(server.url, 'lossy', 'seq5')}/v1beta/models/gemini-3-flash-preview:generateContent`;
    const response = await fetch(url, {
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
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { status: string; message: string } };
    expect(body.error.status).toBe('INVALID_ARGUMENT');
    expect(body.error.message).toContain('thoughtSignature: missing');
    expect(server.stats().contenders['lossy']).toMatchObject({
      requests: 1,
      failures: 1,
      finals: 0,
    });
  });

  it('answers an unknown route with 404', async () => {
    const response = await fetch(
      `${server.url}/v1beta/models/gemini-3-flash-preview:generateContent`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(response.status).toBe(404);
  });
});
