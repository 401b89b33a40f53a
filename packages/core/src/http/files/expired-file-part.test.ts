import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../agent/create-agent.ts';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { FileNotFoundError } from '../../errors/files-and-batches/file-not-found-error.ts';
import type { Content } from '../../wire/content.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

const HOUR = 3_600_000;
let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
  fake = createFakeGemini({ now: () => clock.now, script: () => turn.text('It says hello.') });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const files = createFiles(gemini);
  const file = await files.upload(new TextEncoder().encode('hello'), { mimeType: 'text/plain' });
  const input: Content[] = [
    {
      role: 'user',
      parts: [
        { text: 'What does the file say?' },
        { fileData: { fileUri: file.uri as string, mimeType: 'text/plain' } },
      ],
    },
  ];
  return { clock, gemini, files, file, input };
}

/** The typed error of a failed run: the agent's model-call error carries it as its cause. */
function fileErrorOf(error: unknown): FileNotFoundError {
  expect(error).toMatchObject({ code: 'model-call' });
  const cause = (error as Error).cause;
  expect(FileNotFoundError.isInstance(cause)).toBe(true);
  return cause as FileNotFoundError;
}

describe('a model call naming a file of the Files API that is gone', () => {
  it('refuses a file 49 h after upload with the typed FileNotFoundError naming it, unary and streamed', async () => {
    const { clock, gemini, file, input } = await start();
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    // Live: the part is read.
    expect((await agent.run(input)).text).toBe('It says hello.');

    clock.now += 49 * HOUR;
    const unary = fileErrorOf(await agent.run(input).catch((caught: unknown) => caught));
    expect(unary.fileName).toBe(file.name);
    expect(unary.status).toBe(403);
    expect(unary.message).toContain(file.name);
    // Google's answer stays the cause, as the fake gave it (403 PERMISSION_DENIED).
    const api = unary.cause as ApiCallError;
    expect(ApiCallError.isInstance(api) && api.googleStatus).toBe('PERMISSION_DENIED');

    // Streamed: the events end with the failure, which the stream's iteration throws.
    const stream = agent.stream(input);
    const thrown = await (async () => {
      for await (const _event of stream) {
        // drained until it throws
      }
    })().catch((caught: unknown) => caught);
    const streamed = fileErrorOf(thrown);
    await stream.result.catch(() => {});
    expect(streamed.fileName).toBe(file.name);
  });

  it('refuses a deleted file the same way, at the client too', async () => {
    const { gemini, files, file, input } = await start();
    await files.delete(file.name);
    const error = await gemini
      .generateContent({ model: 'gemini-2.5-flash', contents: input })
      .catch((caught: unknown) => caught);
    expect(FileNotFoundError.isInstance(error) && error.fileName).toBe(file.name);
  });

  it('leaves other 403s as ApiCallError', async () => {
    const { gemini } = await start();
    // A 403 that names no file (a key without access to the model) is not a file's error.
    fake?.addFault({
      fault: {
        type: 'http-error',
        error: {
          status: 403,
          body: {
            error: {
              code: 403,
              message: 'Permission denied: Consumer does not have access to the model.',
              status: 'PERMISSION_DENIED',
            },
          },
        },
      },
      on: 0,
    });
    const error = await gemini
      .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error) && error.status).toBe(403);
  });
});
