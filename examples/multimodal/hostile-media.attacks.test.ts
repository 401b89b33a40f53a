// Media at the edges (attack-core11): tools returning bytes JSON cannot hold (a Buffer, a
// Uint8Array, an ArrayBuffer, a DataView, a Blob), a tool result with a 20 MB image, and a user
// message whose `fileData` URI carries the API key as `?key=`. A call is answered with an error
// that names what was wrong (never `{}` with the bytes gone); the run ends typed or answered; the
// key reaches no span, run file or event. Public imports only, the fake Gemini on 127.0.0.1.
import { createAgent, defineTool, toolResult } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { observedOutputs } from '../plugins/observed-outputs.ts';
import { everything, KEY, MODEL, MODES, outcome, serve } from '../plugins/outside-attack-kit.ts';

type Parts = { functionResponse?: { name: string; response: Record<string, unknown> } }[];
const lastResponse = (body: unknown) =>
  (body as { contents: { parts: Parts }[] }).contents.at(-1)?.parts[0]?.functionResponse?.response;

const binaries: [string, () => unknown][] = [
  ['a Buffer', () => Buffer.from('%PDF-1.7 secret bytes')],
  ['a Uint8Array', () => new Uint8Array([1, 2, 3])],
  ['an ArrayBuffer', () => new ArrayBuffer(8)],
  ['a DataView', () => new DataView(new ArrayBuffer(8))],
  ['a Blob', () => new Blob(['hello'], { type: 'text/plain' })],
  ['a Buffer in a field', () => ({ file: Buffer.from('abc') })],
];

describe('a tool returning bytes', () => {
  for (const mode of MODES) {
    for (const [name, value] of binaries) {
      it(`${name} (${mode}): answered with an error naming it, the run goes on`, async () => {
        const tool = defineTool({ name: 'read', parameters: z.object({}), execute: value });
        const { fake, gemini } = await serve([turn.call('read', {}), turn.text('done')]);
        const agent = createAgent({ gemini, model: MODEL, tools: [tool] });
        const { result, error } = await outcome(agent, mode, 'Read.');
        expect(error).toBeUndefined();
        expect(result?.text).toBe('done');
        const response = lastResponse(fake.modelRequests[1]?.body);
        expect(Object.keys(response ?? {})).toContain('error');
        expect(String(response?.['error'])).toMatch(
          /binary|bytes|Uint8Array|Blob|ArrayBuffer|DataView|JSON/i,
        );
      });
    }
  }
});

describe('a tool result with a 20 MB image', () => {
  for (const mode of MODES) {
    it(`(${mode}) ends typed or answered; the request holds the image at most once`, async () => {
      const big = new Uint8Array(20 * 1024 * 1024);
      const tool = defineTool({
        name: 'render',
        parameters: z.object({}),
        execute: () =>
          toolResult({ output: 'rendered', parts: [{ mimeType: 'image/png', data: big }] }),
      });
      const { fake, gemini } = await serve([turn.call('render', {}), turn.text('done')]);
      const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [tool] });
      const { result, error } = await outcome(agent, mode, 'Render.');
      if (error === undefined) expect(result?.text).toBe('done');
      else expect(everything(error)).not.toContain(KEY);
      const second = fake.requests.filter(({ method }) => method !== 'caches.create').at(1);
      if (second !== undefined) {
        expect(JSON.stringify(second.body ?? '').length).toBeLessThan(2 * 28 * 1024 * 1024);
      }
    });
  }
});

describe('a fileData URI carrying the key', () => {
  for (const mode of MODES) {
    it(`(${mode}) is sent as given, and reaches no span, log or run file`, async () => {
      const { options, read } = await observedOutputs();
      const { fake, gemini } = await serve([turn.text('seen')]);
      const agent = createAgent({ gemini, model: MODEL, ...options });
      const uri = `https://generativelanguage.googleapis.com/v1beta/files/abc?key=${KEY}`;
      const input = [
        {
          role: 'user' as const,
          parts: [
            { text: 'Describe it.' },
            { fileData: { mimeType: 'application/pdf', fileUri: uri } },
          ],
        },
      ];
      if (mode === 'stream') {
        const stream = agent.stream(input);
        for await (const _event of stream);
        await stream.result;
      } else {
        await agent.run(input);
      }
      expect(JSON.stringify(fake.modelRequests[0]?.body)).toContain(uri);
      const { spans, recorded, logs } = await read();
      expect(spans).not.toContain(KEY);
      expect(logs).not.toContain(KEY);
      expect(recorded).toContain('files/abc');
      expect(recorded).not.toContain(KEY);
    });
  }
});
