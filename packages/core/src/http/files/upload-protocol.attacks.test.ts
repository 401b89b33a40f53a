import { describe, expect, it } from 'vitest';
import {
  UploadError,
  type UploadErrorReason,
} from '../../errors/files-and-batches/upload-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// attack47a: a resumable upload's server lying about the protocol. Its offset going backwards or
// past the chunk held after a failure, a finalize answered `active`, a first chunk answered
// `final`, `cancelled`, a status it made up, chunks failing without end: each ends typed with its
// reason, after a bounded number of requests, nothing resent from an offset the client no longer
// holds. Held (upload-file.ts's sendChunk and sendChunks).

const KEY = 'AIzaSyAttack47aProtocolKeyXXXXXXXXXXXXX';
const CHUNK = 8;

type Answer = { status?: number; headers?: Record<string, string>; body?: unknown };
type Script = (command: string, offset: number | undefined, index: number) => Answer;

function uploadWith(script: Script) {
  const sent: string[] = [];
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: { maxRetries: 1, initialDelayMs: 0, maxDelayMs: 0 },
    fetch: async (_input, init) => {
      const headers = new Headers(init?.headers);
      const command = headers.get('x-goog-upload-command') ?? '';
      const offsetText = headers.get('x-goog-upload-offset');
      const offset = offsetText === null ? undefined : Number(offsetText);
      sent.push(offset === undefined ? command : `${command}@${offset}`);
      if (command === 'start') {
        return new Response(null, {
          headers: {
            'x-goog-upload-url': 'https://gw.test/upload?upload_id=session-u1-0123456789',
          },
        });
      }
      const answer = script(command, offset, sent.length - 1);
      return Response.json(answer.body ?? {}, {
        status: answer.status ?? 200,
        headers: answer.headers ?? {},
      });
    },
  });
  const result = createFiles(gemini)
    .upload(new Uint8Array(3 * CHUNK), { mimeType: 'text/plain', chunkSize: CHUNK })
    .then(
      (file) => ({ file }),
      (error: unknown) => error,
    );
  return { result, sent };
}

const active = { headers: { 'x-goog-upload-status': 'active' } };
const broken = { status: 503, body: { error: { code: 503, message: 'try again' } } };
const received = (bytes: number) => ({
  headers: { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': String(bytes) },
});

const CASES: [string, UploadErrorReason, Script, string[]][] = [
  [
    'after a failed chunk, the server reports fewer bytes than before it (backwards)',
    'offset-mismatch',
    (command, offset) => (command === 'query' ? received(3) : offset === CHUNK ? broken : active),
    ['start', 'upload@0', 'upload@8', 'query'],
  ],
  [
    'after a failed chunk, the server reports more bytes than were sent',
    'offset-mismatch',
    (command, offset) => (command === 'query' ? received(100) : offset === CHUNK ? broken : active),
    ['start', 'upload@0', 'upload@8', 'query'],
  ],
  [
    'after a failed chunk, the query answers no size',
    'offset-mismatch',
    (command, offset) => (command === 'query' ? active : offset === CHUNK ? broken : active),
    ['start', 'upload@0', 'upload@8', 'query'],
  ],
  [
    'the finalize answered active',
    'not-finalized',
    () => active,
    ['start', 'upload@0', 'upload@8', 'upload, finalize@16'],
  ],
  [
    'the first chunk answered final',
    'not-finalized',
    () => ({
      headers: { 'x-goog-upload-status': 'final' },
      body: { file: { name: 'files/early' } },
    }),
    ['start', 'upload@0'],
  ],
  [
    'a chunk answered cancelled',
    'cancelled',
    () => ({ headers: { 'x-goog-upload-status': 'cancelled' } }),
    ['start', 'upload@0'],
  ],
  [
    'a chunk answered a status of its own making',
    'not-finalized',
    () => ({ headers: { 'x-goog-upload-status': 'maybe' } }),
    ['start', 'upload@0'],
  ],
  [
    'a chunk that fails every time while the server holds none of it',
    'chunk-failed',
    (command, offset) =>
      command === 'query' ? received(CHUNK) : offset === CHUNK ? broken : active,
    ['start', 'upload@0', 'upload@8', 'query', 'upload@8', 'query', 'upload@8', 'query'],
  ],
];

describe('files.upload against a server lying about the resumable protocol', () => {
  it.each(CASES)('%s: UploadError %s, bounded', async (_label, reason, script, expected) => {
    const { result, sent } = uploadWith(script);
    const error = await result;
    expect(UploadError.isInstance(error)).toBe(true);
    expect((error as UploadError).reason).toBe(reason);
    expect(sent).toEqual(expected);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('session-u1');
  });
});
