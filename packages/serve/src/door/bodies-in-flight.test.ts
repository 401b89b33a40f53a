import { request as httpRequest } from 'node:http';
import { turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import { createOpenAIHandlerSharing } from '../openai/create-openai-handler.ts';
import {
  alice,
  bodyOf,
  doors,
  encoder,
  expectAnswered,
  expectBusy,
  finishAll,
  heldRequest,
  holdBodies,
  IN_FLIGHT,
  MAX,
  padded,
  SIZE,
  wholeRequest,
} from './__fixtures__/bodies-in-flight.ts';
import { agentOnFake, listenForTest } from './__fixtures__/serve-door.ts';
import { createBodyBudget } from './body-budget.ts';
import { mountDoors } from './mount-doors.ts';
import { bodiesBusyMessage, bodyIdleMessage } from './read-bounded-body.ts';

// inflight57: the bytes of bodies a door reads at once are bounded (`maxBodyBytesInFlight`). Each
// door is driven in process with bodies the test holds open half-sent, so which bodies are being
// read is known (a body's first pull means the door took its reservation); the budget is the
// test's own, so that every reservation is seen given back (a leak would lock the door).

describe.each(doors())('the $name door bounds the bodies it reads at once', (door) => {
  it('answers 503 to the bodies past the bound, unread, and the rest; then a new body is answered', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget);
    const { held, answers } = await holdBodies(door, handler, [0, 1, 2]);
    expect(budget.inFlight()).toBe(3 * SIZE);
    // Two more, declared: no room, refused before a byte is read.
    for (const index of [3, 4]) {
      const late = heldRequest(door.url, door.headers, padded(bodyOf(door, index)));
      await expectBusy(door, await handler(late.request));
      expect(late.request.bodyUsed).toBe(false);
    }
    await finishAll({ held, answers });
    expect(budget.inFlight()).toBe(0);
    await expectAnswered(
      await handler(wholeRequest(door.url, door.headers, padded(bodyOf(door, 5)))),
    );
    expect(budget.inFlight()).toBe(0);
  });

  it('cuts off a chunked body at the chunk that does not fit, and gives back what it took', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget);
    const { held, answers } = await holdBodies(door, handler, [0, 1, 2]);
    // 12 KiB left: the chunked body's first 8 KiB fit, its second 8 KiB do not. The body stays
    // within maxBodyBytes (a body past it is a 413 first, however full the bound is).
    const parts = [8, 8, 8].map((kib) => encoder.encode(' '.repeat(kib * 1024)));
    let pulled = 0;
    let cancelled = false;
    const chunked = new Request(door.url, {
      method: 'POST',
      headers: door.headers,
      body: new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            const part = parts[pulled++];
            if (part === undefined) controller.close();
            else controller.enqueue(part);
          },
          cancel() {
            cancelled = true;
          },
        },
        { highWaterMark: 0 },
      ),
      duplex: 'half',
    } as RequestInit);
    await expectBusy(door, await handler(chunked));
    expect(cancelled).toBe(true);
    expect(budget.inFlight()).toBe(3 * SIZE);
    await finishAll({ held, answers });
    expect(budget.inFlight()).toBe(0);
  });

  it('gives back the share of a body whose client went away mid-upload', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget);
    const { held, answers } = await holdBodies(door, handler, [0, 1, 2]);
    for (const each of held) each.abort();
    for (const answer of answers) expect((await answer).status).not.toBe(200);
    expect(budget.inFlight()).toBe(0);
    // The whole bound is free again: three more are read at once and answered.
    await finishAll(await holdBodies(door, handler, [3, 4, 5]));
    expect(budget.inFlight()).toBe(0);
  });

  it('gives back what a refused body took: 413 read past the bound, bytes not UTF-8, not JSON', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget);
    const over = new Request(door.url, {
      method: 'POST',
      headers: door.headers,
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode(' '.repeat(MAX)));
          controller.enqueue(encoder.encode(' '));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect((await handler(over)).status).toBe(413);
    const notUtf8 = wholeRequest(door.url, door.headers, new Uint8Array([0x7b, 0xff, 0x7d]));
    expect((await handler(notUtf8)).status).toBe(400);
    const notJson = wholeRequest(door.url, door.headers, encoder.encode('{"model":'));
    expect((await handler(notJson)).status).toBe(400);
    expect(budget.inFlight()).toBe(0);
  });

  it('checks the caller and the rate limit before the bound: 401 and 429 with the door full, not 503', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget, { requests: 1, windowMs: 60_000 });
    // The caller's one request of the window, answered.
    await expectAnswered(
      await handler(wholeRequest(door.url, door.headers, padded(bodyOf(door, 1)))),
    );
    expect(budget.take(IN_FLIGHT)).toBe(true);
    const { authorization: _, ...anonymous } = door.headers;
    const stranger = heldRequest(door.url, anonymous, padded(bodyOf(door, 0)));
    expect((await handler(stranger.request)).status).toBe(401);
    // Over the rate limit: 429 with its body unread, not the bound's 503.
    const second = heldRequest(door.url, door.headers, padded(bodyOf(door, 2)));
    const limited = await handler(second.request);
    expect(limited.status).toBe(429);
    expect(second.request.bodyUsed).toBe(false);
    budget.give(IN_FLIGHT);
  });

  // idle57 (attack57b): a body declared and then not sent held its share until Node's
  // requestTimeout (300 s), every other caller answered 503 meanwhile. The stall is deliberate
  // (the held body's second half never comes); 300 ms is far below any hang guard.
  it('answers 408 to a declared body that stops after its first half, gives its share back, then answers a new body', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget, undefined, 300);
    const stalled = heldRequest(door.url, door.headers, padded(bodyOf(door, 0)));
    const answer = handler(stalled.request);
    await stalled.started;
    expect(budget.inFlight()).toBe(SIZE);
    const response = await answer;
    expect(response.status).toBe(408);
    expect(await response.json()).toEqual(door.timedOut(bodyIdleMessage(300)));
    expect(budget.inFlight()).toBe(0);
    await expectAnswered(
      await handler(wholeRequest(door.url, door.headers, padded(bodyOf(door, 1)))),
    );
    expect(budget.inFlight()).toBe(0);
  });

  it('never cuts a body that keeps arriving within the idle time (a chunk every 50 ms for 1 s, idle 300 ms)', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget, undefined, 300);
    const bytes = padded(bodyOf(door, 0));
    const pieces = 20;
    const step = Math.ceil(bytes.byteLength / pieces);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (sent >= bytes.byteLength) return controller.close();
          if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 50));
          controller.enqueue(bytes.subarray(sent, sent + step));
          sent += step;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request(door.url, {
      method: 'POST',
      body,
      headers: { ...door.headers, 'content-length': String(bytes.byteLength) },
      duplex: 'half',
    } as RequestInit);
    await expectAnswered(await handler(request));
    expect(budget.inFlight()).toBe(0);
  });
});

describe('mountDoors shares one bound among the media doors', () => {
  it("an OpenAI body filling the bound is a 503 to the AG-UI and A2A doors' next bodies, answered once it ends", async () => {
    const [openai, agUi, a2a] = doors();
    if (openai === undefined || agUi === undefined || a2a === undefined)
      throw new Error('three doors');
    const { agent } = agentOnFake(Array.from({ length: 3 }, () => turn.text('Hello.')));
    const mounted = mountDoors({
      authorize: authorizeByKey,
      maxBodyBytes: MAX,
      maxBodyBytesInFlight: MAX,
      openai: { agents: { 'support-agent': agent } },
      agUi: { agent },
      a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
    });
    onTestFinished(() => mounted.close());
    const at = (path: string) => `http://127.0.0.1${path}`;
    const held = heldRequest(at('/v1/chat/completions'), openai.headers, padded(openai.body));
    const answer = mounted.handler(held.request);
    await held.started;
    const bound = bodiesBusyMessage(MAX);
    const refusedRun = await mounted.handler(
      wholeRequest(at('/ag-ui'), agUi.headers, padded(agUi.body)),
    );
    expect(refusedRun.status).toBe(503);
    expect(await refusedRun.json()).toEqual(agUi.refusal(bound));
    const refusedTask = await mounted.handler(
      wholeRequest(at('/a2a'), a2a.headers, padded(a2a.body)),
    );
    expect(refusedTask.status).toBe(503);
    expect(await refusedTask.json()).toEqual(a2a.refusal(bound));
    held.finish();
    await expectAnswered(await answer);
    await expectAnswered(
      await mounted.handler(wholeRequest(at('/ag-ui'), agUi.headers, padded(agUi.body))),
    );
    await expectAnswered(
      await mounted.handler(wholeRequest(at('/a2a'), a2a.headers, padded(a2a.body))),
    );
  });

  it('defaults to four bodies of the largest maxBodyBytes among the media doors, and refuses a bound below one', () => {
    const { agent } = agentOnFake([]);
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        maxBodyBytesInFlight: MAX,
        openai: { agents: { 'support-agent': agent }, maxBodyBytes: 2 * MAX },
      }),
    ).toThrow(`maxBodyBytesInFlight must be at least maxBodyBytes (${2 * MAX})`);
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        maxBodyBytesInFlight: 0,
        mcp: { agents: { support: agent } },
      }),
    ).toThrow('maxBodyBytesInFlight must be a positive integer; got 0.');
    expect(() =>
      mountDoors({ authorize: authorizeByKey, maxBodyBytesInFlght: MAX, agUi: { agent } } as never),
    ).toThrow("Did you mean 'maxBodyBytesInFlight'?");
  });

  it('takes bodyIdleTimeoutMs for the media doors, refusing one below 1 and a misspelt one', async () => {
    const { agent } = agentOnFake([]);
    await mountDoors({
      authorize: authorizeByKey,
      bodyIdleTimeoutMs: 5_000,
      agUi: { agent },
    }).close();
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        bodyIdleTimeoutMs: 0,
        mcp: { agents: { support: agent } },
      }),
    ).toThrow('bodyIdleTimeoutMs must be a positive integer; got 0.');
    expect(() =>
      mountDoors({ authorize: authorizeByKey, agUi: { agent, bodyIdleTimeoutMs: 1.5 } }),
    ).toThrow('bodyIdleTimeoutMs must be a positive integer; got 1.5.');
    expect(() =>
      mountDoors({ authorize: authorizeByKey, bodyIdleTimeoutMS: 5_000, agUi: { agent } } as never),
    ).toThrow("Did you mean 'bodyIdleTimeoutMs'?");
  });
});

describe('an upload cut off over a socket', () => {
  it("gives back its share when the client's connection goes mid-body; the openai client is then answered", async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const { agent } = agentOnFake([turn.text('Hello.')]);
    const handler = createOpenAIHandlerSharing(
      {
        agents: { 'support-agent': agent },
        authorize: authorizeByKey,
        maxBodyBytes: MAX,
        maxBodyBytesInFlight: IN_FLIGHT,
      },
      budget,
    );
    const origin = await listenForTest(handler);
    const chat = padded({ model: 'support-agent', messages: [{ role: 'user', content: 'Hi' }] });
    const upload = httpRequest(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...alice, 'content-length': String(chat.byteLength) },
    });
    upload.on('error', () => {});
    upload.write(chat.subarray(0, SIZE / 2));
    await vi.waitFor(() => expect(budget.inFlight()).toBe(SIZE), { timeout: 30_000, interval: 20 });
    upload.destroy();
    await vi.waitFor(() => expect(budget.inFlight()).toBe(0), { timeout: 30_000, interval: 20 });
    const client = new OpenAI({ apiKey: KEYS.alice, baseURL: `${origin}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: 'support-agent',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello.');
  });
});
