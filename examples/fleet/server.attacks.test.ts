import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { RunAccessDeniedError } from '@gemloop/core/web';
import {
  DurableRunError,
  type DurableRunEvent,
  type DurableRunStatus,
  type DurableRuns,
} from '@gemloop/dbos';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFleetServer } from './server.ts';

// attack40: the fleet's HTTP front (the runs API a user serves) attacked from outside. The fake
// below keeps the runs API's own contract (durable-run-types.ts, `RunAccessOptions`): a call
// given an `owner` reaches only that owner's runs; a call without one "acts for the server itself
// and reaches every run". On main a request without `X-User` reached every run that way (cancel,
// list and answer its approvals), and the thrown words of a failed run, or of a store that lost
// its Postgres, went to the client as they were.

const TOOL_WORDS = 'TOOL-SECRET refund API at 10.0.0.5:8443 said no';
const STORE_WORDS = 'connect ECONNREFUSED 10.0.0.9:5432 (postgres://fleet@10.0.0.9/fleet)';

type FakeRun = DurableRunStatus & { events: DurableRunEvent['event'][] };

/** The runs API over a map of runs, with the contract's owner checks; `cancelled` says whom. */
function fakeRuns(failing: { list?: boolean } = {}) {
  const runs = new Map<string, FakeRun>();
  const cancelled: string[] = [];
  const decided: string[] = [];
  const started: { input: unknown; owner: string | undefined }[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const listed: Record<string, unknown>[] = [];
  const add = (runId: string, owner: string | undefined, status: FakeRun['status']): void => {
    runs.set(runId, {
      runId,
      status,
      owner,
      awaitingApproval: status === 'PENDING',
      agent: 'support',
      executorId: 'worker-a',
      createdAt: 0,
      updatedAt: undefined,
      dequeuedAt: undefined,
      completedAt: undefined,
      events: [{ type: 'text-delta', path: [], stepNumber: 1, text: `secret of ${runId}` }],
    });
  };
  const access = (runId: string, owner: string | undefined): FakeRun => {
    const run = runs.get(runId);
    if (owner !== undefined && run?.owner !== owner) {
      throw new RunAccessDeniedError({ runId, door: 'status' });
    }
    if (run === undefined) {
      throw new DurableRunError({ message: `No run "${runId}".`, runId, status: 'NOT_FOUND' });
    }
    return run;
  };
  const api = {
    async start(_agent: string, options: { input: unknown; owner?: string | undefined }) {
      started.push({ input: options.input, owner: options.owner });
      return { runId: 'new-run' };
    },
    async status(runId: string) {
      const run = runs.get(runId);
      return run === undefined ? undefined : { ...run, events: undefined };
    },
    // As create-runs-api.ts lists: newest first, the owner's only when one is given, `limit` at most.
    async list(options: { status?: unknown; owner?: string; limit?: number } = {}) {
      listed.push({ ...options });
      if (failing.list) throw new Error(STORE_WORDS);
      if (options.status !== undefined && options.status !== 'PENDING') {
        throw new InvalidArgumentError({ argument: 'status', message: 'status is not a status.' });
      }
      return [...runs.values()]
        .reverse()
        .filter((run) => options.owner === undefined || run.owner === options.owner)
        .slice(0, options.limit);
    },
    async result(runId: string, options: { signal?: AbortSignal } = {}) {
      const run = access(runId, undefined);
      signals.push(options.signal);
      // A run that goes on: the wait lasts until it ends, or until the signal ends the wait.
      if (run.status === 'PENDING') {
        return new Promise((_resolve, reject) =>
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
        );
      }
      // What create-runs-api.ts's result() throws for a failed run: the stored error's message.
      throw new DurableRunError({
        message: `Durable run "${runId}" ended with status ${run.status}: ${TOOL_WORDS}`,
        runId,
        status: run.status,
      });
    },
    async cancel(runId: string, options: { owner?: string | undefined } = {}) {
      access(runId, options.owner);
      cancelled.push(runId);
    },
    async pendingApprovals(runId: string, options: { owner?: string | undefined } = {}) {
      access(runId, options.owner);
      return [{ toolCallId: 'call-1', toolName: 'refund', args: { card: `card of ${runId}` } }];
    },
    async approve(
      runId: string,
      callId: string,
      _decision: unknown,
      options: { owner?: string | undefined } = {},
    ) {
      access(runId, options.owner);
      decided.push(`${runId}/${callId}`);
    },
    events(
      runId: string,
      options: { offset?: number; owner?: string | undefined; signal?: AbortSignal } = {},
    ) {
      signals.push(options.signal);
      return (async function* () {
        const offset = options.offset ?? 0;
        if (!Number.isSafeInteger(offset) || offset < 0) {
          throw new InvalidArgumentError({ argument: 'offset', message: 'bad offset' });
        }
        const run = access(runId, options.owner);
        for (let index = offset; index < run.events.length; index++) {
          yield { offset: index, event: run.events[index] } as DurableRunEvent;
        }
        // A run that goes on writes nothing for now: the read waits, as the real one polls.
        if (run.status === 'PENDING') {
          await new Promise<void>((resolve) =>
            options.signal?.addEventListener('abort', () => resolve()),
          );
        }
      })();
    },
  };
  return {
    runs: api as unknown as DurableRuns,
    add,
    cancelled,
    decided,
    started,
    signals,
    listed,
  };
}

/** The fleet server on 127.0.0.1 for `runs`, closed when the test ends; `told` gets onError's. */
async function serve(runs: DurableRuns, told: unknown[] = []): Promise<string> {
  const server = createFleetServer(runs, (error) => void told.push(error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the fleet server and a caller who names no user (attack40)', () => {
  it("reaches none of alice's run: no cancel, no approvals read or answered, no events", async () => {
    const fake = fakeRuns();
    fake.add('alice-run', 'alice', 'PENDING');
    const base = await serve(fake.runs);
    const asked = [
      await fetch(`${base}/runs/alice-run/cancel`, { method: 'POST' }),
      await fetch(`${base}/runs/alice-run/approvals`),
      await fetch(`${base}/runs/alice-run/approvals/call-1`, {
        method: 'POST',
        body: JSON.stringify({ type: 'approve' }),
      }),
      await fetch(`${base}/runs/alice-run/events`),
      await fetch(`${base}/runs/alice-run`),
    ];
    for (const response of asked) {
      const text = await response.text();
      expect(response.status, text).toBe(404);
      expect(text).not.toContain('card of');
      expect(text).not.toContain('secret of');
    }
    expect(fake.cancelled).toEqual([]);
    expect(fake.decided).toEqual([]);
    // Bob, named, is refused the same way; alice herself is served.
    const bob = { 'x-user': 'bob' };
    expect((await fetch(`${base}/runs/alice-run/approvals`, { headers: bob })).status).toBe(404);
    const alice = { 'x-user': 'alice' };
    const cancel = await fetch(`${base}/runs/alice-run/cancel`, { method: 'POST', headers: alice });
    expect(cancel.status).toBe(202);
    expect(fake.cancelled).toEqual(['alice-run']);
  });

  it('still serves a run nobody owns to callers who name no user (the demo)', async () => {
    const fake = fakeRuns();
    fake.add('open-run', undefined, 'PENDING');
    const base = await serve(fake.runs);
    const approvals = await fetch(`${base}/runs/open-run/approvals`);
    expect(approvals.status).toBe(200);
    expect(await approvals.json()).toMatchObject([{ toolCallId: 'call-1' }]);
    expect(
      (await fetch(`${base}/runs/open-run/approvals`, { headers: { 'x-user': 'bob' } })).status,
    ).toBe(404);
  });
});

describe('the fleet server and the list of runs (leftovers41)', () => {
  it("lists the caller's newest runs by the store's owner filter, whatever another user started since", async () => {
    // Every run of every user was read for each `GET /runs` and filtered here: Bob starting runs
    // made Alice's list read his (and, bounded to a page, pushed hers off it).
    const fake = fakeRuns();
    fake.add('alice-run', 'alice', 'PENDING');
    fake.add('open-run', undefined, 'PENDING');
    const base = await serve(fake.runs);
    // A caller who names no user sees only the runs nobody owns (the demo's), from one page.
    const open = await fetch(`${base}/runs`);
    expect(((await open.json()) as { runId: string }[]).map((run) => run.runId)).toEqual([
      'open-run',
    ]);
    expect(fake.listed.at(-1)).toEqual({ limit: 100 });
    for (let index = 0; index < 150; index++) fake.add(`bob-${index}`, 'bob', 'SUCCESS');
    const alice = await fetch(`${base}/runs`, { headers: { 'x-user': 'alice' } });
    expect(alice.status).toBe(200);
    expect(((await alice.json()) as { runId: string }[]).map((run) => run.runId)).toEqual([
      'alice-run',
    ]);
    expect(fake.listed.at(-1)).toEqual({ owner: 'alice', limit: 100 });
    const pending = await fetch(`${base}/runs?status=PENDING`, { headers: { 'x-user': 'alice' } });
    expect(pending.status).toBe(200);
    expect(fake.listed.at(-1)).toEqual({ status: 'PENDING', owner: 'alice', limit: 100 });
    // Bob gets his newest 100, never all of them, and none of anybody else's.
    const bob = (await (await fetch(`${base}/runs`, { headers: { 'x-user': 'bob' } })).json()) as {
      runId: string;
      owner?: string;
    }[];
    expect(bob).toHaveLength(100);
    expect(bob[0]?.runId).toBe('bob-149');
    expect(bob.every((run) => run.owner === 'bob')).toBe(true);
  });
});

describe('the fleet server and what fails behind it (attack40)', () => {
  it("a failed run's result: the status, never the tool's thrown words", async () => {
    const fake = fakeRuns();
    fake.add('failed-run', 'alice', 'ERROR');
    const base = await serve(fake.runs);
    const response = await fetch(`${base}/runs/failed-run/result`, {
      headers: { 'x-user': 'alice' },
    });
    const text = await response.text();
    expect(response.status).toBe(409);
    expect(JSON.parse(text)).toMatchObject({ status: 'ERROR' });
    for (const words of ['TOOL-SECRET', '10.0.0.5', '8443']) expect(text).not.toContain(words);
  });

  it('a store that fails (its error names the database host): 500 in fixed words', async () => {
    const told: unknown[] = [];
    const base = await serve(fakeRuns({ list: true }).runs, told);
    const response = await fetch(`${base}/runs`);
    const text = await response.text();
    expect(response.status).toBe(500);
    // The server's operator is told what failed; the client is not.
    expect(String(told[0])).toContain('ECONNREFUSED');
    for (const words of ['ECONNREFUSED', '10.0.0.9', 'postgres://'])
      expect(text).not.toContain(words);
  });
});

describe('the fleet server and an event stream its client dropped (attack40)', () => {
  it("aborts the store's read of a run that waits, once the client is gone", async () => {
    const fake = fakeRuns();
    fake.add('waiting-run', 'alice', 'PENDING');
    const base = await serve(fake.runs);
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    onTestFinished(() => void socket.destroy());
    socket.write('GET /runs/waiting-run/events HTTP/1.1\r\nhost: fleet\r\nx-user: alice\r\n\r\n');
    let received = '';
    await new Promise<void>((resolve) =>
      socket.on('data', (chunk) => {
        received += chunk;
        if (received.includes('secret of waiting-run')) resolve();
      }),
    );
    expect(fake.signals[0]?.aborted).toBe(false);
    socket.destroy();
    // The server sees the socket close when it does: a hang guard, not a timing.
    while (fake.signals[0]?.aborted !== true)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.signals[0]?.aborted).toBe(true);
  });
});

describe('the fleet server and a result its client stopped waiting for (attack40)', () => {
  it('ends the wait for a run that waits, once the client is gone, and tells onError nothing', async () => {
    const fake = fakeRuns();
    fake.add('waiting-run', 'alice', 'PENDING');
    const told: unknown[] = [];
    const base = await serve(fake.runs, told);
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    onTestFinished(() => void socket.destroy());
    socket.write('GET /runs/waiting-run/result HTTP/1.1\r\nhost: fleet\r\nx-user: alice\r\n\r\n');
    // A hang guard, not a timing: the route reached the wait.
    while (fake.signals[0] === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.signals[0]?.aborted).toBe(false);
    socket.destroy();
    while (fake.signals[0]?.aborted !== true)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // Let the route's catch run: a client gone is no failure of the server.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(told).toEqual([]);
  });
});

describe('the fleet server and bodies, paths and ids no client should send (attack40)', () => {
  it('a body past 64 KB is 413 and starts nothing; JSON that is no object, or not UTF-8, is 400', async () => {
    const fake = fakeRuns();
    const base = await serve(fake.runs);
    const post = (body: BodyInit) => fetch(`${base}/runs`, { method: 'POST', body });
    const huge = await post(JSON.stringify({ input: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    for (const body of ['null', '[1]', '{"input":', '"text"']) {
      const response = await post(body);
      expect(response.status, body).toBe(400);
    }
    const notUtf8 = await post(
      new Uint8Array([...Buffer.from('{"input":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
    );
    expect(notUtf8.status).toBe(400);
    expect(fake.started).toEqual([]);
  });

  it('a body with a Content-Encoding (plain JSON labelled br, gzip) is 415 and starts nothing (attack44a)', async () => {
    const fake = fakeRuns();
    const base = await serve(fake.runs);
    const json = JSON.stringify({ input: 'Refund order 7' });
    for (const [coding, body] of [
      ['br', json],
      ['gzip', new Uint8Array(gzipSync(json))],
    ] as const) {
      const response = await fetch(`${base}/runs`, {
        method: 'POST',
        headers: { 'content-encoding': coding },
        body,
      });
      expect(response.status, coding).toBe(415);
      expect(await response.text()).toContain('uncompressed');
    }
    expect(fake.started).toEqual([]);
  });

  it('a body with a transfer coding besides chunked (br, chunked) is 501 and starts nothing (attack44a)', async () => {
    const fake = fakeRuns();
    const base = await serve(fake.runs);
    const { port } = new URL(base);
    const json = JSON.stringify({ input: 'Refund order 7' });
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(text));
      socket.write(
        `POST /runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: br, chunked\r\n\r\n${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 501 /);
    expect(fake.started).toEqual([]);
  });

  it('a character split across two packets reaches the run whole', async () => {
    const fake = fakeRuns();
    const base = await serve(fake.runs);
    const body = Buffer.from(JSON.stringify({ input: 'café ☕ 🚀' }));
    const cut = body.indexOf(Buffer.from('🚀')) + 2;
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    onTestFinished(() => void socket.destroy());
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /runs HTTP/1.1\r\nhost: fleet\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
    );
    socket.write(body.subarray(0, cut));
    // The second half once the first was surely read as a chunk of its own.
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(body.subarray(cut));
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 202/);
    expect(fake.started).toEqual([{ input: 'café ☕ 🚀', owner: undefined }]);
  });

  it('a path that is not percent-encoding, a bad Last-Event-ID or status: 400 or 404, no thrown words', async () => {
    const fake = fakeRuns();
    fake.add('run-1', undefined, 'SUCCESS');
    const base = await serve(fake.runs);
    const malformed = await fetch(`${base}/runs/%E0%A4%A/events`);
    expect(malformed.status).toBe(404);
    expect(await malformed.text()).not.toContain('URI malformed');
    for (const id of ['abc', '-5', '1e3', '99999999999999999999']) {
      const events = await fetch(`${base}/runs/run-1/events`, { headers: { 'last-event-id': id } });
      expect(events.status, id).toBe(400);
      expect(events.headers.get('content-type'), id).toContain('application/json');
    }
    const resumed = await fetch(`${base}/runs/run-1/events`, { headers: { 'last-event-id': '0' } });
    expect(resumed.status).toBe(200);
    expect(await resumed.text()).not.toContain('secret of run-1');
    const status = await fetch(`${base}/runs?status=NOPE`);
    expect(status.status).toBe(400);
  });
});
