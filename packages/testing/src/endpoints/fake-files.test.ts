import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const BASE = 'http://fake.test';
const key = { 'x-goog-api-key': 'k' };

async function startUpload(fake: ReturnType<typeof createFakeGemini>, size: number) {
  const response = await fake.fetch(`${BASE}/upload/v1beta/files`, {
    method: 'POST',
    headers: {
      ...key,
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(size),
      'x-goog-upload-header-content-type': 'text/plain',
    },
    body: JSON.stringify({ file: { displayName: 'notes' } }),
  });
  return response.headers.get('x-goog-upload-url') as string;
}

/** Uploads `hello` in one finalising chunk; returns the file resource. */
async function uploadHello(fake: ReturnType<typeof createFakeGemini>) {
  const url = await startUpload(fake, 5);
  const response = await fake.fetch(url, {
    method: 'POST',
    headers: { ...key, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
    body: new TextEncoder().encode('hello'),
  });
  return ((await response.json()) as { file: { name: string; uri: string } }).file;
}

describe('the fake Files API', () => {
  it('refuses a generateContent naming an expired (48 h) or deleted file with 403 PERMISSION_DENIED, and lets a live or unknown one pass', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const fake = createFakeGemini({ now: () => now, script: () => turn.text('ok') });
    const generate = (fileUri: string) =>
      fake.fetch(`${BASE}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: 'POST',
        headers: { ...key, 'content-type': 'application/json' },
        body: JSON.stringify({
          contents: [{ role: 'user', parts: [{ fileData: { fileUri, mimeType: 'text/plain' } }] }],
        }),
      });
    const file = await uploadHello(fake);
    const id = file.name.replace('files/', '');
    expect((await generate(file.uri)).status).toBe(200);
    // A URI the fake never issued is not its to refuse.
    expect((await generate(`${BASE}/v1beta/files/madeup123`)).status).toBe(200);
    now += 47 * 3_600_000;
    expect((await generate(file.uri)).status).toBe(200);
    now += 2 * 3_600_000;
    const expired = await generate(file.uri);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({
      error: {
        code: 403,
        message: `You do not have permission to access the File ${id} or it may not exist.`,
        status: 'PERMISSION_DENIED',
      },
    });

    const other = await uploadHello(fake);
    await fake.fetch(`${BASE}/v1beta/${other.name}`, { method: 'DELETE', headers: key });
    expect((await generate(other.uri)).status).toBe(403);
  });

  it('keeps binary chunks byte for byte, refuses a wrong offset, and answers a query with the size received', async () => {
    const fake = createFakeGemini();
    const url = await startUpload(fake, 4);
    expect(url).toMatch(
      /^http:\/\/fake\.test\/upload\/v1beta\/files\?upload_id=\w+&upload_protocol=resumable$/,
    );
    const chunk = (offset: number, command: string, bytes: number[]) =>
      fake.fetch(url, {
        method: 'POST',
        headers: {
          ...key,
          'x-goog-upload-command': command,
          'x-goog-upload-offset': String(offset),
        },
        body: new Uint8Array(bytes),
      });
    expect((await chunk(0, 'upload', [0xff, 0x00])).headers.get('x-goog-upload-status')).toBe(
      'active',
    );
    const wrong = await chunk(0, 'upload, finalize', [0xfe, 0x01]);
    expect(wrong.status).toBe(400);
    const query = await fake.fetch(url, {
      method: 'POST',
      headers: { ...key, 'x-goog-upload-command': 'query' },
    });
    expect(query.headers.get('x-goog-upload-size-received')).toBe('2');
    const final = await chunk(2, 'upload, finalize', [0xfe, 0x01]);
    expect(final.headers.get('x-goog-upload-status')).toBe('final');
    const { file } = (await final.json()) as {
      file: {
        name: string;
        sizeBytes: string;
        state: string;
        expirationTime: string;
        createTime: string;
      };
    };
    expect(file).toMatchObject({
      sizeBytes: '4',
      state: 'ACTIVE',
      mimeType: 'text/plain',
      displayName: 'notes',
    });
    expect(Date.parse(file.expirationTime) - Date.parse(file.createTime)).toBe(48 * 3_600_000);
    // An uploaded file is not downloadable (only generated ones are).
    const download = await fake.fetch(`${BASE}/download/v1beta/${file.name}:download?alt=media`, {
      headers: key,
    });
    expect(download.status).toBe(400);
  });

  it('refuses a finalize short of the declared size, an unknown upload, and a request without a key', async () => {
    const fake = createFakeGemini();
    const url = await startUpload(fake, 10);
    const short = await fake.fetch(url, {
      method: 'POST',
      headers: { ...key, 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
      body: 'abc',
    });
    expect(short.status).toBe(400);
    const unknown = await fake.fetch(`${BASE}/upload/v1beta/files?upload_id=nope`, {
      method: 'POST',
      headers: { ...key, 'x-goog-upload-command': 'query' },
    });
    expect(unknown.status).toBe(404);
    const anonymous = await fake.fetch(`${BASE}/v1beta/files`);
    expect(anonymous.status).toBe(403);
    expect(fake.requests.map((request) => request.method)).toEqual([
      'files.upload',
      'files.upload',
      'files.upload',
      'files.list',
    ]);
  });

  it('moves a batch PENDING -> RUNNING -> SUCCEEDED on gets, and keeps a cancelled one cancelled', async () => {
    const fake = createFakeGemini();
    const create = async () =>
      (await (
        await fake.fetch(`${BASE}/v1beta/models/gemini-2.5-flash:batchGenerateContent`, {
          method: 'POST',
          headers: key,
          body: JSON.stringify({
            batch: {
              inputConfig: {
                requests: {
                  requests: [
                    {
                      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
                      metadata: { key: 'a' },
                    },
                  ],
                },
              },
            },
          }),
        })
      ).json()) as { name: string };
    const get = async (name: string) =>
      (await (await fake.fetch(`${BASE}/v1beta/${name}`, { headers: key })).json()) as {
        done?: boolean;
        metadata: { state: string; output?: unknown };
      };
    const job = await create();
    const states = [];
    for (let poll = 0; poll < 3; poll++) states.push((await get(job.name)).metadata.state);
    expect(states).toEqual(['BATCH_STATE_PENDING', 'BATCH_STATE_RUNNING', 'BATCH_STATE_SUCCEEDED']);
    expect((await get(job.name)).metadata.output).toEqual({
      inlinedResponses: {
        inlinedResponses: [
          {
            response: expect.objectContaining({ candidates: expect.any(Array) }),
            metadata: { key: 'a' },
          },
        ],
      },
    });
    const other = await create();
    await fake.fetch(`${BASE}/v1beta/${other.name}:cancel`, {
      method: 'POST',
      headers: key,
      body: '{}',
    });
    expect((await get(other.name)).metadata.state).toBe('BATCH_STATE_CANCELLED');
    expect((await get(other.name)).done).toBe(true);
  });
});
