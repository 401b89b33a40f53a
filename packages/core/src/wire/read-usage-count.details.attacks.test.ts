import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';

// A gateway that writes every token count as a digit string (how proto3 JSON writes 64-bit
// integers; readUsageCount reads it for the six counts) writes the per-modality counts so too:
// `promptTokensDetails: [{modality: 'AUDIO', tokenCount: '60'}]`. The response check read the six
// counts into numbers and left the details' as strings, so pricing, which prices audio apart,
// called the run's cost unknown ("tokenCount the string \"60\" is not a whole number of tokens"),
// and a budget counts an unknown cost as over. Unary and streamed alike (attack, wire68).

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

async function serve(body: unknown) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const streamed = request.url?.includes(':streamGenerateContent') === true;
      response.writeHead(200, {
        'content-type': streamed ? 'text/event-stream' : 'application/json',
      });
      response.end(streamed ? `data: ${JSON.stringify(body)}\r\n\r\n` : JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return createGemini({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', retry: false });
}

/** An answer whose usage writes its counts with `count` (a number, or a digit string). */
function answer(count: (value: number) => unknown, audio: unknown = count(60)) {
  return {
    candidates: [
      { content: { role: 'model', parts: [{ text: 'Heard it.' }] }, finishReason: 'STOP' },
    ],
    usageMetadata: {
      promptTokenCount: count(100),
      candidatesTokenCount: count(10),
      totalTokenCount: count(110),
      promptTokensDetails: [
        { modality: 'AUDIO', tokenCount: audio },
        { modality: 'TEXT', tokenCount: count(40) },
      ],
      candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: count(10) }],
    },
  };
}

describe('per-modality token counts a gateway wrote as digit strings', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';
    const run = async (body: unknown) => {
      const agent = createAgent({ gemini: await serve(body), model: 'gemini-2.5-flash' });
      return streamed ? agent.stream('Listen.').result : agent.run('Listen.');
    };

    it(`${mode}: are read as numbers, so the audio is priced as with numbers`, async () => {
      const expected = await run(answer((value) => value));
      const result = await run(answer((value) => String(value)));
      expect(expected.cost.total).not.toBeNull();
      expect(result.cost).toEqual(expected.cost);
      expect(result.steps[0]?.response.usageMetadata?.promptTokensDetails).toEqual([
        { modality: 'AUDIO', tokenCount: 60 },
        { modality: 'TEXT', tokenCount: 40 },
      ]);
    });

    it(`${mode}: a count that is no token count is removed, as the six counts' are`, async () => {
      const result = await run(answer((value) => value, -60));
      expect(result.cost.total).not.toBeNull();
      expect(result.steps[0]?.response.usageMetadata?.promptTokensDetails).toEqual([
        { modality: 'AUDIO' },
        { modality: 'TEXT', tokenCount: 40 },
      ]);
    });
  }
});
