import { type Task, TaskState } from '@a2a-js/sdk';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import {
  countingServer,
  PDF,
  PNG,
  lastRequestUserParts as userParts,
} from '../door/__fixtures__/media-samples.ts';
import { MAX_MEDIA_PARTS } from '../door/read-media-part.ts';
import { serveA2A } from './__fixtures__/serve-a2a.ts';

// Files through the A2A door, sent by the A2A SDK's own client: a file of bytes reaches the fake
// Gemini as `inlineData` in order beside the text, a message of files only is answered, the
// context's next task sends the file again; a file by URL is read only as a data URL.

type SentPart = {
  content:
    | { $case: 'text'; value: string }
    | { $case: 'raw'; value: Buffer }
    | { $case: 'url'; value: string }
    | { $case: 'data'; value: unknown };
  mediaType?: string;
  filename?: string;
};

const message = (parts: SentPart[], more: { contextId?: string } = {}) => ({
  message: { messageId: crypto.randomUUID(), role: 1, parts, ...more },
});

describe('A2A door: files', () => {
  it('sends raw file parts as inlineData in order, and the next task of the context sends them again', async () => {
    const { client, fake } = await serveA2A([
      turn.text('A cat and a form.'),
      turn.text('The PDF.'),
    ]);
    const a2a = await client();
    const task = (await a2a.sendMessage(
      message([
        { content: { $case: 'text', value: 'What are these?' } },
        { content: { $case: 'raw', value: Buffer.from(PNG, 'base64') }, mediaType: 'image/png' },
        { content: { $case: 'data', value: { form: 'W-9' } } },
        {
          content: { $case: 'url', value: `data:application/pdf;base64,${PDF}` },
          filename: 'w9.pdf',
        },
      ]) as never,
    )) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const sent = [
      { text: 'What are these?' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { text: '{"form":"W-9"}' },
      { inlineData: { mimeType: 'application/pdf', data: PDF } },
    ];
    expect(userParts(fake.requests)).toEqual([sent]);
    await a2a.sendMessage(
      message([{ content: { $case: 'text', value: 'Which was the form?' } }], {
        contextId: task.contextId,
      }) as never,
    );
    expect(userParts(fake.requests)).toEqual([sent, [{ text: 'Which was the form?' }]]);
  });

  it('answers a message of files only', async () => {
    const { client, fake } = await serveA2A([turn.text('A cat.')]);
    const task = (await (
      await client()
    ).sendMessage(
      message([
        { content: { $case: 'raw', value: Buffer.from(PNG, 'base64') }, mediaType: 'image/png' },
      ]) as never,
    )) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(userParts(fake.requests)).toEqual([
      [{ inlineData: { mimeType: 'image/png', data: PNG } }],
    ]);
  });

  it.each([
    [
      'a file with no mediaType',
      { content: { $case: 'raw', value: Buffer.from(PNG, 'base64') } },
      'MIME type',
    ],
    [
      'an executable',
      {
        content: { $case: 'raw', value: Buffer.from('MZ') },
        mediaType: 'application/x-msdownload',
      },
      'Gemini does not read',
    ],
    [
      'a remote URL',
      { content: { $case: 'url', value: 'https://example.com/a.png' }, mediaType: 'image/png' },
      'data URL',
    ],
  ] as [string, SentPart, string][])(
    'rejects %s, naming the part, with no model call',
    async (_name, part, words) => {
      const { client, fake } = await serveA2A([turn.text('never')]);
      const task = (await (
        await client()
      ).sendMessage(
        message([{ content: { $case: 'text', value: 'Look' } }, part]) as never,
      )) as Task;
      expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
      const said = task.status?.message?.parts
        .map((each) => (each.content?.$case === 'text' ? each.content.value : ''))
        .join('');
      expect(said).toContain('message.parts[1]');
      expect(said).toContain(words);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('never fetches a file URL naming 127.0.0.1', async () => {
    const { hits, url } = await countingServer();
    const { client, fake } = await serveA2A([turn.text('never')]);
    const task = (await (
      await client()
    ).sendMessage(
      message([{ content: { $case: 'url', value: url }, mediaType: 'image/png' }]) as never,
    )) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(hits.count).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it(`rejects more than ${MAX_MEDIA_PARTS} files in one message`, async () => {
    const { client, fake } = await serveA2A([turn.text('never')]);
    const file: SentPart = {
      content: { $case: 'raw', value: Buffer.from(PNG, 'base64') },
      mediaType: 'image/png',
    };
    const task = (await (
      await client()
    ).sendMessage(
      message(Array.from({ length: MAX_MEDIA_PARTS + 1 }, () => file)) as never,
    )) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(fake.requests).toHaveLength(0);
  });

  it("reads a v0.3 client's file of bytes (file.bytes, file.mimeType) as the v1.0 raw part", async () => {
    const { post, fake } = await serveA2A([turn.text('A dot.')]);
    const reply = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: crypto.randomUUID(),
            role: 'user',
            parts: [
              { kind: 'text', text: 'What is this?' },
              { kind: 'file', file: { bytes: PNG, mimeType: 'image/png', name: 'dot.png' } },
            ],
          },
        },
      }),
      { 'a2a-version': '0.3' },
    );
    const body = (await reply.json()) as { result?: { status: { state: string } } };
    expect(body.result?.status.state).toBe('completed');
    expect(userParts(fake.requests)).toEqual([
      [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: PNG } }],
    ]);
  });
});
