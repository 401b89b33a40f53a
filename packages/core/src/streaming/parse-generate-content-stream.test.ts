import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { expectFoldOf } from './__fixtures__/expected-stream-folds.ts';
import {
  createByteStream,
  readFixture,
  readFixtureChunks,
  readSseBody,
  type Split,
  splitBytes,
  sseStreamFixtures,
} from './__fixtures__/gemini-fixtures.ts';
import { foldStream } from './fold-stream.ts';
import {
  parseGenerateContentBatches,
  parseGenerateContentStream,
} from './parse-generate-content-stream.ts';

const url =
  'https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?alt=sse';
const method = 'streamGenerateContent';
const encoder = new TextEncoder();

function parse(body: ReadableStream<Uint8Array>, signal?: AbortSignal) {
  return parseGenerateContentStream({ body, url, method, signal });
}

/** Reads the whole stream; returns the chunks and the error it ended with, if any. */
async function collect(
  pieces: readonly (Uint8Array | string)[],
  options: { failWith?: unknown } = {},
): Promise<{ chunks: GenerateContentResponse[]; error: unknown }> {
  const { body } = createByteStream(pieces, options);
  const chunks: GenerateContentResponse[] = [];
  try {
    for await (const chunk of parse(body)) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

const text = (value: string): GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text: value }] }, index: 0 }],
});
const event = (value: unknown): string => `data: ${JSON.stringify(value)}\r\n\r\n`;

describe('parseGenerateContentStream', () => {
  describe('recorded streams', () => {
    const splits: Split[] = ['whole', 'bytes', 'random'];
    for (const name of sseStreamFixtures) {
      it.each(splits)(`reads ${name} delivered in %s pieces`, async (split) => {
        const pieces = splitBytes(encoder.encode(readSseBody(name)), split, name.length);
        const { chunks, error } = await collect(pieces);
        expect(error).toBeUndefined();
        expect(chunks).toEqual(readFixtureChunks(name));
        expectFoldOf(name, await foldStream(chunks));
      });
    }

    it('reads a recording with LF and with CR line endings too', async () => {
      const name = 'gemini3-flash__code-execution.sse';
      const body = readSseBody(name);
      for (const ending of ['\n', '\r']) {
        const converted = body.replaceAll('\r\n', ending);
        const { chunks, error } = await collect(splitBytes(encoder.encode(converted), 'random', 7));
        expect(error).toBeUndefined();
        expect(chunks).toEqual(readFixtureChunks(name));
      }
    });

    it('reads a JSON-array body (a gateway that ignored alt=sse) as its chunks', async () => {
      const name = 'gemini3-flash__no-alt-sse-json-array__text-after-tool.json';
      const pieces = splitBytes(encoder.encode(readFixture('streams', name)), 'random', 3);
      const { chunks, error } = await collect(pieces);
      expect(error).toBeUndefined();
      expect(chunks).toEqual(readFixtureChunks(name));
      expectFoldOf(name, await foldStream(chunks));
    });
  });

  describe('framing', () => {
    it('decodes multi-byte UTF-8 split across pieces', async () => {
      const value = text('Grüße, 東京 🌧️ — ok');
      const { chunks } = await collect(splitBytes(encoder.encode(event(value)), 'bytes'));
      expect(chunks).toEqual([value]);
    });

    it('reads events cut anywhere inside a line, the rest of each piece holding whole events', async () => {
      const values = Array.from({ length: 6 }, (_, index) => text(`part ${index} `));
      for (const ending of ['\r\n', '\n']) {
        const body = values.map((value) => event(value).replaceAll('\r\n', ending)).join('');
        // Every cut inside the first event's line, after its `data: ` prefix and before its end.
        for (let cut = 1; cut < body.indexOf(ending); cut += 7) {
          const { chunks, error } = await collect([body.slice(0, cut), body.slice(cut)]);
          expect(error).toBeUndefined();
          expect(chunks).toEqual(values);
        }
        // A cut between the CR and the LF of a line end, then a cut inside the next line.
        const crlf = body.indexOf('\r\n');
        if (crlf !== -1) {
          const pieces = [
            body.slice(0, crlf + 1),
            body.slice(crlf + 1, crlf + 30),
            body.slice(crlf + 30),
          ];
          expect((await collect(pieces)).chunks).toEqual(values);
        }
      }
    });

    it('joins a multi-line data field with newlines', async () => {
      const { chunks } = await collect(['data: {"candidates":\ndata: []}\n\n']);
      expect(chunks).toEqual([{ candidates: [] }]);
    });

    it('skips comments, event and id lines, empty data and a [DONE] sentinel', async () => {
      const { chunks, error } = await collect([
        ': keep-alive\r\n\r\nevent: message\r\nid: 1\r\n',
        event(text('a')),
        'data:\r\n\r\ndata: [DONE]\r\n\r\n',
      ]);
      expect(error).toBeUndefined();
      expect(chunks).toEqual([text('a')]);
    });

    it('ignores a byte-order mark', async () => {
      const { chunks } = await collect([`\uFEFF${event(text('a'))}`]);
      expect(chunks).toEqual([text('a')]);
    });

    it('ignores a byte-order mark split across reads, and keeps U+FEFF anywhere else', async () => {
      const bytes = encoder.encode(`\uFEFF${event(text('\uFEFFa'))}`);
      const { chunks, error } = await collect([
        bytes.subarray(0, 1),
        bytes.subarray(1, 2),
        bytes.subarray(2),
      ]);
      expect(error).toBeUndefined();
      expect(chunks).toEqual([text('\uFEFFa')]);
    });

    it('yields the same objects JSON.parse made, unknown fields included', async () => {
      const value = { ...text('a'), futureField: { x: [1, 2] } };
      const { chunks } = await collect([event(value)]);
      expect(chunks).toEqual([value]);
    });
  });

  describe('end of body', () => {
    it('accepts a last event without its blank line when the JSON is complete', async () => {
      for (const ending of ['', '\r\n', '\n', '\r']) {
        const body = `${event(text('a'))}data: ${JSON.stringify(text('b'))}${ending}`;
        const { chunks, error } = await collect(splitBytes(encoder.encode(body), 'bytes'));
        expect(error).toBeUndefined();
        expect(chunks).toEqual([text('a'), text('b')]);
      }
    });

    it('fails with truncated when the body ends inside an event', async () => {
      const { chunks, error } = await collect([
        event(text('a')),
        'data: {"candidates": [{"content": {"parts": [{"text": "cut he',
      ]);
      expect(chunks).toEqual([text('a')]);
      expect(StreamError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        reason: 'truncated',
        chunksDelivered: 1,
        event: '{"candidates": [{"content": {"parts": [{"text": "cut he',
      });
    });

    it('fails with truncated on an empty 200 body', async () => {
      for (const pieces of [[], ['']]) {
        const { chunks, error } = await collect(pieces);
        expect(chunks).toEqual([]);
        expect(error).toBeInstanceOf(StreamError);
        expect(error).toMatchObject({ reason: 'truncated', chunksDelivered: 0, event: undefined });
        expect((error as Error).message).toContain('empty 200 body');
      }
    });

    it('fails with truncated on a body of blank lines and comments, saying it was not empty', async () => {
      for (const pieces of [['\r\n\r\n   \n'], [': keep-alive\n\n', ': keep-alive\n\n']]) {
        const { chunks, error } = await collect(pieces);
        expect(chunks).toEqual([]);
        expect(error).toMatchObject({ reason: 'truncated', chunksDelivered: 0, event: undefined });
        expect((error as Error).message).toMatch(
          /held only comments and blank lines, no `data:` event/,
        );
      }
    });

    it('fails with truncated, showing the first line, when the body holds no event', async () => {
      const { error } = await collect(['<html>\n<body>Gateway login</body>\n</html>\n']);
      expect(error).toMatchObject({ reason: 'truncated', chunksDelivered: 0, event: '<html>' });
    });

    it('fails with truncated when a bare JSON value never completes', async () => {
      const { error } = await collect([event(text('a')), '{\n  "error": {\n    "code": 500,\n']);
      expect(error).toMatchObject({ reason: 'truncated', chunksDelivered: 1 });
      expect((error as StreamError).event).toContain('"code": 500');
    });
  });

  describe('bad chunks', () => {
    it('fails with malformed-json after delivering the chunks before it', async () => {
      const { chunks, error } = await collect([
        event(text('a')),
        'data: {"candidates": [}\r\n\r\n',
        event(text('never')),
      ]);
      expect(chunks).toEqual([text('a')]);
      expect(StreamError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        reason: 'malformed-json',
        chunksDelivered: 1,
        event: '{"candidates": [}',
      });
      expect((error as Error).message).toMatch(/event 2 is not valid JSON/);
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    });

    it('fails with invalid-chunk, naming the field, for JSON that is not a response', async () => {
      const { chunks, error } = await collect([
        event(text('a')),
        event({ candidates: [{ content: { parts: 'oops' } }] }),
      ]);
      expect(chunks).toEqual([text('a')]);
      expect(error).toMatchObject({ reason: 'invalid-chunk', chunksDelivered: 1 });
      expect((error as Error).message).toContain('candidates[0].content.parts');
      expect((error as Error).message).toContain('must be an array, got string');
    });

    it('fails with invalid-chunk for a JSON scalar', async () => {
      const { error } = await collect(['data: 42\n\n']);
      expect(error).toMatchObject({ reason: 'invalid-chunk', chunksDelivered: 0, event: '42' });
    });
  });

  describe('errors inside a 200 stream', () => {
    const overloaded = {
      error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
    };

    it('throws an ApiCallError for a data: error event, after the chunks before it', async () => {
      const { chunks, error } = await collect([
        event(text('a')),
        event(overloaded),
        event(text('b')),
      ]);
      expect(chunks).toEqual([text('a')]);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        url,
        method,
        status: 503,
        googleStatus: 'UNAVAILABLE',
        apiMessage: 'The model is overloaded.',
        // A chunk came before it: the client does not retry the stream (the message says so), but
        // the failure is transient, so a durable run may re-run the call.
        isRetryable: true,
      });
      // The stream's HTTP status was 200: the 503 is the code of the error event.
      expect((error as Error).message).not.toContain('HTTP 503');
      expect((error as Error).message).toContain(
        'stream carried an error event with code 503 UNAVAILABLE',
      );
    });

    it('throws an ApiCallError for a bare multi-line JSON error in the body', async () => {
      const errorBody = readFixture(
        'errors',
        '429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json',
      );
      expect(errorBody.split('\n').length).toBeGreaterThan(5);
      const body = `${event(text('a'))}${errorBody}`;
      for (const split of ['whole', 'bytes'] as const) {
        const { chunks, error } = await collect(splitBytes(encoder.encode(body), split));
        expect(chunks).toEqual([text('a')]);
        expect(ApiCallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ status: 429, googleStatus: 'RESOURCE_EXHAUSTED' });
        expect((error as ApiCallError).retryInfo?.retryDelay).toBe('58s');
      }
    });

    it('throws an ApiCallError for an array-wrapped error body', async () => {
      const errorBody = readFixture('errors', '503-UNAVAILABLE-overloaded.no-alt-sse-array.json');
      const { chunks, error } = await collect([errorBody]);
      expect(chunks).toEqual([]);
      expect(error).toMatchObject({ status: 503, googleStatus: 'UNAVAILABLE' });
    });
  });

  describe('connection and cancellation', () => {
    it('delivers the chunks before a connection reset, then fails with connection', async () => {
      const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const { chunks, error } = await collect([event(text('a')), event(text('b'))], {
        failWith: reset,
      });
      expect(chunks).toEqual([text('a'), text('b')]);
      expect(StreamError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ reason: 'connection', chunksDelivered: 2, cause: reset });
      expect((error as Error).message).toContain('socket hang up');
    });

    it('loses a half-received event to a reset but counts only delivered chunks', async () => {
      const { chunks, error } = await collect([event(text('a')), 'data: {"cand'], {
        failWith: new TypeError('terminated'),
      });
      expect(chunks).toEqual([text('a')]);
      expect(error).toMatchObject({ reason: 'connection', chunksDelivered: 1 });
    });

    it('rejects a pending read at once with the reason when the signal aborts', async () => {
      const { body, probe } = createByteStream([event(text('a'))], { hang: true });
      const controller = new AbortController();
      const iterator = parse(body, controller.signal);
      expect((await iterator.next()).value).toEqual(text('a'));
      const pending = iterator.next();
      const reason = new Error('user stopped');
      setTimeout(() => controller.abort(reason), 5);
      await expect(pending).rejects.toBe(reason);
      expect(probe.cancelled).toBe(true);
      expect(probe.cancelReason).toBe(reason);
    });

    it('throws the reason when the signal aborts while the consumer holds a chunk', async () => {
      const { body, probe } = createByteStream([event(text('a')) + event(text('b'))], {
        hang: true,
      });
      const controller = new AbortController();
      const iterator = parse(body, controller.signal);
      await iterator.next();
      controller.abort();
      await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
      expect(probe.cancelled).toBe(true);
    });

    it('does not read at all when the signal is already aborted', async () => {
      const { body, probe } = createByteStream([event(text('a'))]);
      const reason = new Error('too late');
      await expect(parse(body, AbortSignal.abort(reason)).next()).rejects.toBe(reason);
      expect(probe.pulls).toBe(0);
      expect(probe.cancelled).toBe(true);
    });

    it('cancels the body when the consumer breaks out of the loop', async () => {
      const { body, probe } = createByteStream([event(text('a')), event(text('b'))], {
        hang: true,
      });
      for await (const chunk of parse(body)) {
        expect(chunk).toEqual(text('a'));
        break;
      }
      expect(probe.cancelled).toBe(true);
    });

    it('cancels the body when a bad chunk ends the stream', async () => {
      const { body, probe } = createByteStream(['data: nope\n\n', event(text('b'))], {
        hang: true,
      });
      await expect(parse(body).next()).rejects.toMatchObject({ reason: 'malformed-json' });
      expect(probe.cancelled).toBe(true);
    });

    it('leaves a body that was read to its end alone', async () => {
      const { body, probe } = createByteStream([event(text('a'))]);
      const chunks: GenerateContentResponse[] = [];
      for await (const chunk of parse(body)) chunks.push(chunk);
      expect(chunks).toEqual([text('a')]);
      expect(probe.cancelled).toBe(false);
    });
  });
});

describe('parseGenerateContentBatches', () => {
  it('yields the chunks completed by each read as one batch, never an empty one', async () => {
    const third = event(text('c'));
    const { body } = createByteStream([
      event(text('a')) + event(text('b')) + third.slice(0, 10),
      third.slice(10),
      ': a comment only\n\n',
      event(text('d')),
    ]);
    const batches: GenerateContentResponse[][] = [];
    for await (const batch of parseGenerateContentBatches({ body, url, method })) {
      batches.push(batch);
    }
    expect(batches).toEqual([[text('a'), text('b')], [text('c')], [text('d')]]);
  });

  it('yields the batch before a failure found in the same read, then throws it', async () => {
    const { body } = createByteStream([
      `${event(text('a'))}${event(text('b'))}data: {"candidates": [}\r\n\r\n`,
    ]);
    const batches = parseGenerateContentBatches({ body, url, method });
    expect((await batches.next()).value).toEqual([text('a'), text('b')]);
    await expect(batches.next()).rejects.toMatchObject({
      reason: 'malformed-json',
      chunksDelivered: 2,
    });
  });

  it('counts the chunks of every batch taken in a connection failure', async () => {
    const { body } = createByteStream([event(text('a')) + event(text('b')), event(text('c'))], {
      failWith: new TypeError('terminated'),
    });
    const batches: GenerateContentResponse[][] = [];
    const error = await (async () => {
      try {
        for await (const batch of parseGenerateContentBatches({ body, url, method })) {
          batches.push(batch);
        }
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(batches).toEqual([[text('a'), text('b')], [text('c')]]);
    expect(error).toMatchObject({ reason: 'connection', chunksDelivered: 3 });
  });
});
