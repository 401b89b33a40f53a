import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import { createFiles } from './create-files.ts';

// leftovers77a (attack62b's leftover): the file a server names in its answer was taken as it
// came. An upload's `final` answer naming `../../x` or a URL was returned as the uploaded file
// (a later `waitUntilActive` refused it as the caller's bad argument), and `files.get` (so each
// poll of `waitUntilActive`) returned a file of another name than the one asked. Both are the
// server's fault: an `ApiCallError` of the 200 naming what it sent, not retried.

const KEY = 'AIzaSyLeftovers77aFileNamesXXXXXXXXXXXX';

/** A client whose every request is answered by `answer` (an upload's start, chunk or a get). */
function files(answer: (url: string, headers: Headers) => Response) {
  let requests = 0;
  const gemini = createGemini({
    apiKey: KEY,
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      requests++;
      return answer(String(input), new Headers(init?.headers));
    },
  });
  return { files: createFiles(gemini), requests: () => requests };
}

/** An upload gateway whose `final` answer is `{ file }`. */
function uploadAnswering(file: Record<string, unknown>) {
  return files((_url, headers) => {
    if (headers.get('x-goog-upload-command') === 'start') {
      return new Response(null, {
        headers: {
          'x-goog-upload-url': 'https://gw.test/upload/v1beta/files?upload_id=1',
          'x-goog-upload-status': 'active',
        },
      });
    }
    return Response.json({ file }, { headers: { 'x-goog-upload-status': 'final' } });
  });
}

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

function expectServerFault(error: unknown, method: string, shown: string): void {
  expect(ApiCallError.isInstance(error), String(error)).toBe(true);
  expect(InvalidArgumentError.isInstance(error)).toBe(false);
  const apiError = error as ApiCallError;
  expect(apiError.status).toBe(200);
  expect(apiError.isRetryable).toBe(false);
  expect(apiError.message.startsWith(`${method} `)).toBe(true);
  expect(apiError.message).toContain(shown);
  expect(JSON.stringify(apiError) + apiError.message).not.toContain(KEY);
}

describe('files.upload, a final answer naming no file', () => {
  for (const name of [
    '../../x',
    'files/../models/x',
    'https://evil.test/files/abc',
    'files/abc?key=1',
    '',
    'files/',
  ]) {
    it(`${JSON.stringify(name)}: refused as the server's answer, not returned`, async () => {
      const { files: api } = uploadAnswering({ name, mimeType: 'text/plain' });
      const error = await failure(api.upload(new Uint8Array(4), { mimeType: 'text/plain' }));
      expectServerFault(error, 'files.upload', JSON.stringify(name));
    });
  }

  it('a name of the files/<id> shape is returned as before (held)', async () => {
    const { files: api } = uploadAnswering({ name: 'files/abc-123', mimeType: 'text/plain' });
    const file = await api.upload(new Uint8Array(4), { mimeType: 'text/plain' });
    expect(file.name).toBe('files/abc-123');
  });
});

describe('files.get and waitUntilActive, an answer for another file', () => {
  const answering = (name: unknown, state = 'ACTIVE') =>
    files(() => Response.json({ name, state, mimeType: 'text/plain' }));

  it('files.get of files/a answered with files/b: refused, naming both', async () => {
    const { files: api } = answering('files/b');
    const error = await failure(api.get('files/a'));
    expectServerFault(error, 'files.get', 'files/b');
    expect((error as Error).message).toContain('files/a');
  });

  it('files.get of a bare id answered with another: refused', async () => {
    const { files: api } = answering('files/other');
    expectServerFault(await failure(api.get('abc')), 'files.get', 'files/other');
  });

  it('a poll of waitUntilActive answered for another file: refused, one poll', async () => {
    const { files: api, requests } = answering('files/someone-elses', 'PROCESSING');
    const error = await failure(
      api.waitUntilActive('files/mine', { pollIntervalMs: 0, maxPolls: 3 }),
    );
    expectServerFault(error, 'files.get', 'files/someone-elses');
    expect(requests()).toBe(1);
  });

  it('a name that is a path or URL: refused', async () => {
    for (const name of ['../files/a', 'https://evil.test/files/a']) {
      const { files: api } = answering(name);
      expectServerFault(await failure(api.get('files/a')), 'files.get', JSON.stringify(name));
    }
  });

  it('the same file, named files/<id> or by its bare id, is taken (held)', async () => {
    for (const name of ['files/a', 'a']) {
      const { files: api } = answering(name);
      const file = await api.get('files/a');
      expect(file.state).toBe('ACTIVE');
    }
    const { files: api } = answering('files/a');
    expect((await api.waitUntilActive('a')).name).toBe('files/a');
  });
});

// leftovers78 (leftovers77a's leftover): a page of files.list was not checked the same way. A
// listed `../../x` went to the caller as its own file: a `files.delete(file.name)` over the list
// then failed as the caller's bad argument, and a listed URL was handed on as a file's name.
describe('files.list, a page naming no file', () => {
  const listAnswering = (names: unknown[]) =>
    files(() => Response.json({ files: names.map((name) => ({ name, state: 'ACTIVE' })) }));

  it.each([
    '../../x',
    'files/../models/x',
    'https://evil.test/files/a',
    'files/abc?key=1',
    '',
    'files/',
  ])('%j among good files: refused as the server answer, naming the item', async (name) => {
    const { files: api } = listAnswering(['files/a', name, 'files/b']);
    const error = await failure(api.list());
    expectServerFault(error, 'files.list', JSON.stringify(name));
    expect((error as Error).message).toContain('files[1]');
  });

  it('listAll stops at the page with the bad item', async () => {
    const { files: api } = listAnswering(['files/a', '../x']);
    const error = await failure(
      (async () => {
        for await (const _file of api.listAll()) {
          // read on
        }
      })(),
    );
    expectServerFault(error, 'files.list', '"../x"');
  });

  it('files/<id> and bare ids are listed as they came (held)', async () => {
    const { files: api } = listAnswering(['files/a-1', 'b_2']);
    const page = await api.list();
    expect(page.files.map((file) => file.name)).toEqual(['files/a-1', 'b_2']);
  });
});
