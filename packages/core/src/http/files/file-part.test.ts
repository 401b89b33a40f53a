import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../../agent/create-agent.ts';
import { UnsupportedEndpointError } from '../../errors/files-and-batches/unsupported-endpoint-error.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import { toolResult } from '../../tools/responses/tool-result.ts';
import { createBatches } from '../batches/create-batches.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from '../files/create-files.ts';
import type { CreateGeminiOptions, Gemini } from '../gemini.ts';
import { filePart } from './file-part.ts';

/** A client with its Files and Batch APIs at hand, as an app that imports them holds them. */
function connect(options: CreateGeminiOptions) {
  const gemini = createGemini(options);
  return Object.assign(gemini, { files: createFiles(gemini), batches: createBatches(gemini) });
}

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(script?: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  fake = createFakeGemini({ script, filesApi: { processingPolls: 1 } });
  const { url } = await fake.listen();
  return connect({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const bytes = (length: number) => new Uint8Array(length).fill(65);

describe('filePart', () => {
  it('inlines media up to the limit, without touching the Files API', async () => {
    const gemini = await start();
    const part = await filePart(gemini, bytes(3), { mimeType: 'text/plain', inlineLimitBytes: 3 });
    expect(part).toEqual({ inlineData: { mimeType: 'text/plain', data: 'QUFB' } });
    expect((fake as FakeGemini).requests).toEqual([]);
  });

  it('uploads media past the limit, waits until ACTIVE, and refers to it by fileData', async () => {
    const gemini = await start();
    const part = await filePart(gemini, bytes(4), {
      mimeType: 'text/plain',
      inlineLimitBytes: 3,
      pollIntervalMs: 0,
    });
    expect(part).toEqual({
      fileData: { mimeType: 'text/plain', fileUri: expect.stringMatching(/\/v1beta\/files\/\w+$/) },
    });
    expect((fake as FakeGemini).requests.map((request) => request.method)).toEqual([
      'files.upload',
      'files.upload',
      'files.get',
      'files.get',
    ]);
  });

  it('decides on a stream of unknown size from a prefix, and uploads all of it past the limit', async () => {
    const gemini = await start();
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes(2));
          controller.enqueue(bytes(2));
          controller.close();
        },
      });
    expect(
      await filePart(gemini, stream(), { mimeType: 'text/plain', inlineLimitBytes: 4 }),
    ).toEqual({
      inlineData: { mimeType: 'text/plain', data: 'QUFBQQ==' },
    });
    const uploaded = await filePart(gemini, stream(), {
      mimeType: 'text/plain',
      inlineLimitBytes: 3,
      pollIntervalMs: 0,
    });
    expect('fileData' in uploaded).toBe(true);
    const listed = await gemini.files.list();
    expect(listed.files.map((file) => file.sizeBytes)).toEqual(['4']);
  });

  it('says what to do past the limit on a client without a Files API', async () => {
    const handMade = { baseUrl: 'http://gateway.test', platform: 'gemini-api' } as Gemini;
    await expect(
      filePart(handMade, bytes(10), { mimeType: 'text/plain', inlineLimitBytes: 3 }),
    ).rejects.toSatisfy(
      (error) =>
        UnsupportedEndpointError.isInstance(error) && error.message.includes('inlineLimitBytes'),
    );
  });

  it('lets a tool return large media the loop sends as fileData in the user turn', async () => {
    const gemini = await start([
      turn.call('render_video', { seconds: 2 }),
      turn.text('A red square.'),
    ]);
    const render = defineTool({
      name: 'render_video',
      description: 'Renders a video.',
      parameters: z.object({ seconds: z.number() }),
      execute: async ({ seconds }, { signal }) =>
        toolResult({
          output: { rendered: seconds },
          parts: [
            await filePart(gemini, bytes(5000), {
              mimeType: 'video/mp4',
              inlineLimitBytes: 1000,
              pollIntervalMs: 0,
              signal,
            }),
          ],
        }),
    });
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [render] });
    const result = await agent.run('Render a video.');
    expect(result.text).toBe('A red square.');
    const second = JSON.stringify((fake as FakeGemini).modelRequests[1]?.body);
    expect(second).toContain('"fileData":{"mimeType":"video/mp4","fileUri":"http://127.0.0.1:');
    expect(second).not.toContain('inlineData');
  });
});
