import { describe, expect, it, vi } from 'vitest';
import { createBodyBudget } from './body-budget.ts';
import {
  bodiesBusyMessage,
  bodyIdleMessage,
  callerBusyMessage,
  readBoundedBody,
} from './read-bounded-body.ts';

// A door's request body, at most `maxBytes`: refused by its declared length before a byte is read,
// or while it streams past the bound; counted in bytes, not characters.

class TooLarge extends Error {}
class NotUtf8 extends Error {}
const tooLarge = () => new TooLarge('too large');
const notUtf8 = () => new NotUtf8('not UTF-8');
class Coded extends Error {}
class Busy extends Error {}
class TimedOut extends Error {}
const errors = {
  coded: () => new Coded('coded'),
  tooLarge,
  notUtf8,
  busy: () => new Busy('busy'),
  timedOut: (message: string) => new TimedOut(message),
};
/** Longer than any read here takes, even at load 20: only the idle tests below reach theirs. */
const IDLE = 10_000;

/** The body as text, within a budget that never fills (the budget's own tests are below). */
function read(request: Request, maxBytes: number): Promise<string> {
  return readBoundedBody(request, {
    maxBytes,
    budget: createBodyBudget(Number.MAX_SAFE_INTEGER),
    idleTimeoutMs: IDLE,
    owner: 'alice',
    parse: (text) => text,
    errors,
  });
}

/** A request whose body streams `chunks`, with what the reader saw. */
function streamed(chunks: string[], headers: Record<string, string> = {}) {
  const seen = { pulled: 0, cancelled: false };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[seen.pulled++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  const request = new Request('http://door.test/', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit);
  return { request, seen };
}

describe('readBoundedBody', () => {
  it('reads a body up to the bound, and an empty one', async () => {
    expect(await read(new Request('http://door.test/', { method: 'POST', body: 'abcd' }), 4)).toBe(
      'abcd',
    );
    expect(await read(new Request('http://door.test/'), 4)).toBe('');
  });

  it('refuses a declared length past the bound, whatever the body then holds', async () => {
    // One byte follows: the refusal comes from the declared length alone.
    const { request } = streamed(['x'], { 'content-length': '5000' });
    await expect(read(request, 1000)).rejects.toBeInstanceOf(TooLarge);
    // A length that is not a number is no declaration: the body is read and counted.
    const odd = streamed(['abc'], { 'content-length': 'lots' });
    expect(await read(odd.request, 1000)).toBe('abc');
  });

  it('refuses a body that streams past the bound without a length, and stops reading it', async () => {
    const { request, seen } = streamed(['aaaa', 'bbbb', 'cccc', 'dddd']);
    await expect(read(request, 6)).rejects.toBeInstanceOf(TooLarge);
    expect(seen.pulled).toBeLessThan(4);
    expect(seen.cancelled).toBe(true);
  });

  it('counts bytes: two-byte characters reach the bound at half the characters', async () => {
    const text = 'é'.repeat(3);
    expect(await read(streamed([text]).request, 6)).toBe(text);
    await expect(read(streamed([text]).request, 5)).rejects.toBeInstanceOf(TooLarge);
  });

  it('reads a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('😀');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 2));
        controller.enqueue(bytes.slice(2));
        controller.close();
      },
    });
    const request = new Request('http://door.test/', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(await read(request, 10)).toBe('😀');
  });

  it('an error of the body that is not its size is not called too large', async () => {
    const request = new Request('http://door.test/', { method: 'POST', body: 'x' });
    await request.text();
    await expect(read(request, 10)).rejects.toSatisfy((error) => !(error instanceof TooLarge));
  });

  it("refuses bytes that are not UTF-8 in the door's shape, never as too large (attack40)", async () => {
    const request = new Request('http://door.test/', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]),
    });
    await expect(read(request, 10)).rejects.toBeInstanceOf(NotUtf8);
  });

  it('refuses a body with a content coding unread, and reads `identity` as no coding', async () => {
    for (const coding of ['gzip', 'BR', 'identity, deflate', ' x-custom ']) {
      const { request } = streamed(['{}'], { 'content-encoding': coding });
      await expect(read(request, 10)).rejects.toBeInstanceOf(Coded);
      expect(request.bodyUsed).toBe(false);
    }
    for (const coding of ['identity', 'Identity, identity', '']) {
      const { request } = streamed(['{}'], { 'content-encoding': coding });
      expect(await read(request, 10)).toBe('{}');
    }
  });
});

describe('readBoundedBody within a budget', () => {
  const within = (request: Request, budget: ReturnType<typeof createBodyBudget>, maxBytes = 100) =>
    readBoundedBody(request, {
      maxBytes,
      budget,
      idleTimeoutMs: IDLE,
      owner: 'alice',
      parse: (text) => text,
      errors,
    });

  it('refuses a declared body the budget has no room for unread, with the bound and the option named', async () => {
    const budget = createBodyBudget(10);
    expect(budget.take(5)).toBe(true);
    const { request, seen } = streamed(['abcdef'], { 'content-length': '6' });
    const refusal = await within(request, budget).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Busy);
    // Not read: the stream's own read-ahead of one chunk is all that was pulled.
    expect(request.bodyUsed).toBe(false);
    expect(seen.cancelled).toBe(false);
    expect(budget.inFlight()).toBe(5);
    expect(bodiesBusyMessage(128 * 1024 * 1024)).toBe(
      "The server is reading as many request bodies at once as it takes (this server's limit of 134217728 bytes (128 MiB) in flight): retry after the time in Retry-After, or have the server's maxBodyBytesInFlight option raised.",
    );
  });

  it("refuses a body past the caller's share with the share named, tells onBusy, and leaves others' room", async () => {
    const budget = createBodyBudget(100, 10);
    expect(budget.take(8, 'alice')).toBe(true);
    const messages: string[] = [];
    let told = 0;
    const read = (owner: string, chunks: string[], headers: Record<string, string> = {}) =>
      readBoundedBody(streamed(chunks, headers).request, {
        maxBytes: 100,
        budget,
        idleTimeoutMs: IDLE,
        owner,
        onBusy: () => {
          told += 1;
        },
        parse: (text) => text,
        errors: {
          ...errors,
          busy: (message: string) => {
            messages.push(message);
            return new Busy();
          },
        },
      });
    // Declared: refused unread. Chunked: cut off at the chunk past the share.
    await expect(read('alice', ['abc'], { 'content-length': '3' })).rejects.toBeInstanceOf(Busy);
    await expect(read('alice', ['a', 'bc'])).rejects.toBeInstanceOf(Busy);
    expect(told).toBe(2);
    expect(messages).toEqual([callerBusyMessage(10), callerBusyMessage(10)]);
    expect(budget.inFlightOf('alice')).toBe(8);
    // Another caller's body is read, and its bytes given back.
    expect(await read('bob', ['abc'], { 'content-length': '3' })).toBe('abc');
    expect(told).toBe(2);
    expect(budget.inFlight()).toBe(8);
    expect(callerBusyMessage(64 * 1024 * 1024)).toBe(
      "The server is reading as many request bodies of this caller at once as it takes from one caller (this server's limit of 67108864 bytes (64 MiB) in flight per caller): retry after the time in Retry-After, or have the server's maxBodyBytesInFlightPerCaller option raised.",
    );
  });

  it('holds a declared body its length while it is read and parsed, then gives it back', async () => {
    const budget = createBodyBudget(10);
    let during = -1;
    const text = await readBoundedBody(
      streamed(['abc', 'def'], { 'content-length': '6' }).request,
      {
        maxBytes: 100,
        budget,
        idleTimeoutMs: IDLE,
        owner: 'alice',
        parse: (read) => {
          during = budget.inFlight();
          return read;
        },
        errors,
      },
    );
    expect(text).toBe('abcdef');
    expect(during).toBe(6);
    expect(budget.inFlight()).toBe(0);
  });

  it('reserves a chunked body as it arrives and cuts it off at the chunk that does not fit', async () => {
    const budget = createBodyBudget(10);
    expect(budget.take(3)).toBe(true);
    const { request, seen } = streamed(['aaaa', 'bbbb', 'cccc', 'dddd']);
    await expect(within(request, budget)).rejects.toBeInstanceOf(Busy);
    // 3 + 4 fit, 3 + 8 do not: the second chunk is the last one read (the third pulled ahead).
    expect(seen.pulled).toBeLessThan(4);
    expect(seen.cancelled).toBe(true);
    expect(budget.inFlight()).toBe(3);
  });

  it('answers a chunked body past maxBytes 413, not 503, when the budget has no room for it either', async () => {
    const budget = createBodyBudget(10);
    expect(budget.take(8)).toBe(true);
    // 6 bytes of a 5-byte limit: too large, though it would not fit the budget either.
    const { request } = streamed(['aaaaaa']);
    await expect(within(request, budget, 5)).rejects.toBeInstanceOf(TooLarge);
    expect(budget.inFlight()).toBe(8);
  });

  it('counts a body longer than it declared past its declaration', async () => {
    const budget = createBodyBudget(10);
    // A made-up Request may say anything; past its 2 declared bytes the rest reserves as read.
    const { request } = streamed(['aaaa', 'bbbb', 'cccc'], { 'content-length': '2' });
    await expect(within(request, budget)).rejects.toBeInstanceOf(Busy);
    expect(budget.inFlight()).toBe(0);
  });

  it('gives nothing for a negative or odd length: the budget is not grown by a lie', async () => {
    const budget = createBodyBudget(10);
    expect(budget.take(8)).toBe(true);
    for (const length of ['-5', '1.5', 'lots']) {
      expect(await within(streamed(['ab'], { 'content-length': length }).request, budget)).toBe(
        'ab',
      );
      expect(budget.inFlight()).toBe(8);
    }
  });

  it('gives back its reservation on a 413, bytes that are not UTF-8, a failed parse and a failed read', async () => {
    const budget = createBodyBudget(1000);
    await expect(within(streamed(['aaaa', 'bbbb']).request, budget, 6)).rejects.toBeInstanceOf(
      TooLarge,
    );
    const bad = new Request('http://door.test/', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    await expect(within(bad, budget)).rejects.toBeInstanceOf(NotUtf8);
    await expect(
      readBoundedBody(streamed(['{'], { 'content-length': '1' }).request, {
        maxBytes: 100,
        budget,
        idleTimeoutMs: IDLE,
        owner: 'alice',
        parse: (text) => JSON.parse(text) as unknown,
        errors,
      }),
    ).rejects.toBeInstanceOf(SyntaxError);
    const failing = new Request('http://door.test/', {
      method: 'POST',
      headers: { 'content-length': '8' },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error('the client went away'));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    await expect(within(failing, budget)).rejects.toThrow('the client went away');
    expect(budget.inFlight()).toBe(0);
  });
});

describe('readBoundedBody of a body that stops arriving (idle57)', () => {
  // attack57b: a body declared and then not sent held its share until Node's requestTimeout
  // (300 s). The stall here is deliberate; the steady body's gaps (50 ms) are six times below the
  // idle time (300 ms), so a loaded machine (load 20) does not cut it.
  const encoder = new TextEncoder();

  /** A declared body of `size` bytes whose `chunks` come `gapMs` apart, then (if short) nothing. */
  function paced(chunks: string[], size: number, gapMs: number) {
    const seen = { cancelled: false };
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = chunks[sent++];
        if (chunk === undefined) {
          // Short of its length, the rest never comes: a pull that never settles, as a socket
          // that goes quiet.
          if (chunks.join('').length < size) await new Promise(() => {});
          controller.close();
          return;
        }
        if (sent > 1) await new Promise((resolve) => setTimeout(resolve, gapMs));
        controller.enqueue(encoder.encode(chunk));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    const request = new Request('http://door.test/', {
      method: 'POST',
      body,
      headers: { 'content-length': String(size) },
      duplex: 'half',
    } as RequestInit);
    return { request, seen };
  }

  /** `request` read as text with an idle time of 300 ms, within `budget`. */
  const readIdle300 = (request: Request, budget: ReturnType<typeof createBodyBudget>) =>
    readBoundedBody(request, {
      maxBytes: 100,
      budget,
      idleTimeoutMs: 300,
      owner: 'alice',
      parse: (text) => text,
      errors,
    });

  it('cuts off a declared body that stalls after its first chunk: timedOut, share given back, upload cancelled', async () => {
    const budget = createBodyBudget(100);
    const { request, seen } = paced(['{"a":'], 40, 0);
    const refusal = await readIdle300(request, budget).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TimedOut);
    expect((refusal as Error).message).toBe(bodyIdleMessage(300));
    expect(budget.inFlight()).toBe(0);
    await vi.waitFor(() => expect(seen.cancelled).toBe(true));
  });

  it('never cuts a body that keeps arriving within the idle time (a chunk every 50 ms for 1 s, idle 300 ms)', async () => {
    const budget = createBodyBudget(100);
    const chunks = Array.from({ length: 20 }, (_, index) => String(index % 10));
    const { request } = paced(chunks, 20, 50);
    expect(await readIdle300(request, budget)).toBe('01234567890123456789');
    expect(budget.inFlight()).toBe(0);
  });

  it('keeps its idle time where setTimeout gives a number, as in Deno and Workers (no timer.refresh)', async () => {
    const nodeSetTimeout = globalThis.setTimeout;
    // Node's timer as its id, as those runtimes give it; Node's clearTimeout takes the id.
    vi.stubGlobal('setTimeout', (run: () => void, ms?: number) => Number(nodeSetTimeout(run, ms)));
    try {
      const steady = paced(
        Array.from({ length: 8 }, (_, index) => String(index)),
        8,
        50,
      );
      expect(await readIdle300(steady.request, createBodyBudget(100))).toBe('01234567');
      const budget = createBodyBudget(100);
      const stalled = paced(['{"a":'], 40, 0);
      const refusal = await readIdle300(stalled.request, budget).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(TimedOut);
      expect(budget.inFlight()).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('names the seconds waited and the option, nothing else', () => {
    expect(bodyIdleMessage(10_000)).toBe(
      "The request body stopped arriving: no byte of it came for 10 s. Send the body without pausing, or have the server's bodyIdleTimeoutMs option raised.",
    );
    expect(bodyIdleMessage(300)).toContain('for 0.3 s');
  });
});
