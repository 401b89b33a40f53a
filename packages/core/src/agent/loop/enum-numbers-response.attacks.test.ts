import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../../http/create-gemini.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { createAgent } from '../create-agent.ts';

// A gateway that serialises the API's protos with proto-plus (the Python client's message
// classes) writes enums as numbers: `Message.to_json(..., use_integers_for_enums=True)` ("Default
// is True", googleapis/proto-plus-python proto/message.py), and with every default field, so each
// chunk before the last carries `"finishReason": 0`. The proto3 JSON mapping reads an enum from its
// name or its number (gemini-wire.md section 1). The loop read only names: `finishReason: 1`
// (STOP) on a call turn ended the run as `other`, the call never run and no error; `3` (SAFETY)
// was no block; a number reached `rawFinishReason`, typed a string; the usage's `modality: 4`
// (AUDIO) was priced at the text rate (attack, wire68). Numbers of googleapis/googleapis
// google/ai/generativelanguage/v1beta/generative_service.proto and content.proto.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** A server that answers the n-th request with `bodies[n]` (a unary body, or SSE events). */
async function serve(bodies: { unary: unknown; chunks: unknown[] }[]) {
  const sent: { contents: unknown[] }[] = [];
  let next = 0;
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (piece: Buffer) => {
      text += piece.toString();
    });
    request.on('end', () => {
      sent.push(JSON.parse(text) as { contents: unknown[] });
      const body = bodies[Math.min(next++, bodies.length - 1)]!;
      if (request.url?.includes(':streamGenerateContent') === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(body.chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(''));
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body.unary));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const gemini = createGemini({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', retry: false });
  return { gemini, sent };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

/** A candidate as proto-plus writes it: every default field, enums as numbers. */
function candidate(parts: unknown[], finishReason: number) {
  return { content: { parts, role: 'model' }, finishReason, index: 0, safetyRatings: [] };
}

/** The same answer unary (one body) and streamed (one part a chunk, `0` until the last). */
function answer(parts: unknown[], finishReason: number) {
  const chunks = parts.map((part, at) => ({
    candidates: [candidate([part], at === parts.length - 1 ? finishReason : 0)],
    modelVersion: 'gemini-2.5-flash',
  }));
  return { unary: { candidates: [candidate(parts, finishReason)] }, chunks };
}

const text = (value: string) => ({ text: value });
const call = { functionCall: { name: 'lookup', args: { word: 'a' } } };

describe('a response whose enums are proto numbers (a proto-plus gateway)', () => {
  for (const streamed of [false, true]) {
    const mode = streamed ? 'streamed' : 'unary';
    const run = (gemini: ReturnType<typeof createGemini>, tools = [lookup]) => {
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools });
      return streamed ? agent.stream('Go.').result : agent.run('Go.');
    };

    it(`${mode}: finishReason 1 (STOP) on a call turn runs the call, and the run answers`, async () => {
      const { gemini, sent } = await serve([
        answer([text('Looking.'), call], 1),
        answer([text('done')], 1),
      ]);
      const result = await run(gemini);
      expect(result.text).toBe('done');
      expect(result.finishReason).toBe('stop');
      expect(result.rawFinishReason).toBe('STOP');
      expect(result.steps[0]?.toolCalls.map((each) => each.output)).toEqual(['a: found']);
      expect(sent).toHaveLength(2);
      expect(sent[1]?.contents.at(-1)).toEqual({
        role: 'user',
        parts: [{ functionResponse: { name: 'lookup', response: { output: 'a: found' } } }],
      });
    });

    it(`${mode}: finishReason 3 (SAFETY) is a content filter, named`, async () => {
      const { gemini } = await serve([answer([text('Partial')], 3)]);
      const result = await run(gemini);
      expect(result.finishReason).toBe('content-filter');
      expect(result.rawFinishReason).toBe('SAFETY');
      expect(result.blocked?.reason).toBe('SAFETY');
    });

    it(`${mode}: a number the table does not know is kept as its decimal string`, async () => {
      const { gemini } = await serve([answer([text('Partial')], 99)]);
      const result = await run(gemini);
      expect(result.finishReason).toBe('other');
      expect(result.rawFinishReason).toBe('99');
    });

    it(`${mode}: the usage's modality 4 (AUDIO) is priced as audio`, async () => {
      const usage = (audio: unknown, text: unknown) => ({
        promptTokenCount: 100,
        candidatesTokenCount: 10,
        totalTokenCount: 110,
        promptTokensDetails: [
          { modality: audio, tokenCount: 60 },
          { modality: text, tokenCount: 40 },
        ],
      });
      const priced = async (finishReason: unknown, audio: unknown, text: unknown) => {
        const body = {
          candidates: [{ content: { parts: [{ text: 'Heard.' }], role: 'model' }, finishReason }],
          usageMetadata: usage(audio, text),
        };
        const { gemini } = await serve([{ unary: body, chunks: [body] }]);
        return (await run(gemini, [])).cost;
      };
      const named = await priced('STOP', 'AUDIO', 'TEXT');
      expect(named.total).not.toBeNull();
      expect(await priced(1, 4, 1)).toEqual(named);
    });

    it(`${mode}: blockReason 4 (PROHIBITED_CONTENT) blocks the prompt, named`, async () => {
      const blocked = { promptFeedback: { blockReason: 4, safetyRatings: [] } };
      const { gemini } = await serve([{ unary: blocked, chunks: [blocked] }]);
      const result = await run(gemini);
      expect(result.finishReason).toBe('content-filter');
      expect(result.blocked).toMatchObject({ source: 'prompt', reason: 'PROHIBITED_CONTENT' });
    });
  }

  it('streamed: chunks that all say 0 (no finish yet) and then end are a cut stream', async () => {
    const { gemini } = await serve([
      { unary: {}, chunks: [{ candidates: [candidate([text('Half an ans')], 0)] }] },
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const result = await agent.stream('Go.').result;
    expect(result.text).toBe('Half an ans');
    expect(result.finishReason).toBe('interrupted');
    expect(result.rawFinishReason).toBeUndefined();
  });

  it('streamed: a prompt feedback whose blockReason is 0 (unset) is no block: the cut stream stays cut', async () => {
    const feedback = { blockReason: 0, safetyRatings: [] };
    const { gemini } = await serve([
      {
        unary: {},
        chunks: [{ candidates: [candidate([text('Half an ans')], 0)], promptFeedback: feedback }],
      },
    ]);
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const result = await agent.stream('Go.').result;
    expect(result.text).toBe('Half an ans');
    expect(result.finishReason).toBe('interrupted');
    expect(result.blocked).toBeUndefined();
  });
});
