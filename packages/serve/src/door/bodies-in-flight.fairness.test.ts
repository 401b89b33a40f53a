import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { INITIALIZE } from '../mcp/__fixtures__/raw-mcp-session.ts';
import { createMcpServer, createMcpServerSharing } from '../mcp/create-mcp-server.ts';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import {
  bodyOf,
  type Door,
  doors,
  heldRequest,
  IN_FLIGHT,
  MAX,
  padded,
  SIZE,
  wholeRequest,
} from './__fixtures__/bodies-in-flight.ts';
import { agentOnFake } from './__fixtures__/serve-door.ts';
import { type BodyBudget, createBodyBudget } from './body-budget.ts';
import { mountDoors } from './mount-doors.ts';
import { bodiesBusyMessage, bodyIdleMessage, callerBusyMessage } from './read-bounded-body.ts';

// doors58: the bound on the bodies read at once made fair. A 503 for it no longer costs the
// caller a request of its rate limit (the door did no work for it); one caller holds at most its
// share of the bound (`maxBodyBytesInFlightPerCaller`, half by default), so its slow bodies leave
// room for another caller; and the MCP door's bodies are counted in it too. Each door in process,
// bodies held half-sent as in bodies-in-flight.test.ts.

/** The MCP door in the same harness: `initialize` as the body, its 503 a JSON-RPC error. */
function mcpDoor(): Door {
  return {
    name: 'MCP',
    make: (budget, rateLimit, bodyIdleTimeoutMs) => {
      const { agent, onError } = agentOnFake([turn.text('Hello.')]);
      const door = createMcpServerSharing(
        {
          agents: { support: agent },
          authorize: authorizeByKey,
          onError,
          maxBodyBytes: MAX,
          maxBodyBytesInFlight: IN_FLIGHT,
          heartbeatMs: 0,
          ...(rateLimit && { rateLimit }),
          ...(bodyIdleTimeoutMs && { bodyIdleTimeoutMs }),
        },
        budget,
      );
      onTestFinished(() => door.close());
      return door.handler();
    },
    url: 'http://127.0.0.1/mcp',
    headers: {
      authorization: `Bearer ${KEYS.alice}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: INITIALIZE,
    refusal: (message) => ({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }),
    timedOut: (message) => ({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }),
  };
}

const asBob = (door: Door) => ({ ...door.headers, authorization: `Bearer ${KEYS.bob}` });

/** Answered: 200, the answer read whole (the media doors' agent says `Hello.`). */
async function expectServed(door: Door, response: Response) {
  expect(response.status).toBe(200);
  const text = await response.text();
  if (door.name !== 'MCP') expect(text).toContain('Hello.');
}

async function expectRefused(door: Door, response: Response, message: string) {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toEqual(door.refusal(message));
}

const whole = (door: Door, index: number, headers = door.headers) =>
  wholeRequest(door.url, headers, padded(bodyOf(door, index)));

describe.each([...doors(), mcpDoor()])("the $name door's bound is fair to callers", (door) => {
  it('does not count a 503 for the bound against the caller’s rate limit', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget, { requests: 1, windowMs: 60_000 });
    // Other bodies fill the bound: the caller is refused twice, and neither refusal costs it its
    // one request of the window (it was 429 at the second before).
    expect(budget.take(IN_FLIGHT)).toBe(true);
    await expectRefused(door, await handler(whole(door, 0)), bodiesBusyMessage(IN_FLIGHT));
    await expectRefused(door, await handler(whole(door, 1)), bodiesBusyMessage(IN_FLIGHT));
    budget.give(IN_FLIGHT);
    await expectServed(door, await handler(whole(door, 2)));
    // That one request was counted: the limit still holds.
    expect((await handler(whole(door, 3))).status).toBe(429);
    expect(budget.inFlight()).toBe(0);
  });

  it('still counts a request cut off with 408 for a body that stopped arriving', async () => {
    const budget = createBodyBudget(IN_FLIGHT);
    const handler = door.make(budget, { requests: 1, windowMs: 60_000 }, 300);
    const stalled = heldRequest(door.url, door.headers, padded(bodyOf(door, 0)));
    const response = await handler(stalled.request);
    expect(response.status).toBe(408);
    expect(await response.json()).toEqual(door.timedOut(bodyIdleMessage(300)));
    // The caller held a share of the bound for those 300 ms: its request stays counted.
    expect((await handler(whole(door, 1))).status).toBe(429);
    expect(budget.inFlight()).toBe(0);
  });

  it("holds one caller to its share: its next body is refused unread while another caller's is read", async () => {
    const share = IN_FLIGHT / 2;
    const budget = createBodyBudget(IN_FLIGHT, share);
    const handler = door.make(budget);
    const first = heldRequest(door.url, door.headers, padded(bodyOf(door, 0)));
    const firstAnswer = handler(first.request);
    await first.started;
    expect(budget.inFlightOf('alice')).toBe(SIZE);
    // Alice's second body would take her past her share (120 KiB of 96 KiB): refused unread, in
    // the door's shape, naming the share, though the bound has room for it.
    const second = heldRequest(door.url, door.headers, padded(bodyOf(door, 1)));
    await expectRefused(door, await handler(second.request), callerBusyMessage(share));
    expect(second.request.bodyUsed).toBe(false);
    // Bob's body is read and answered while Alice's is still held.
    await expectServed(door, await handler(whole(door, 2, asBob(door))));
    expect(budget.inFlightOf('bob')).toBe(0);
    first.finish();
    await expectServed(door, await firstAnswer);
    expect(budget.inFlight()).toBe(0);
    expect(budget.inFlightOf('alice')).toBe(0);
    await expectServed(door, await handler(whole(door, 3)));
  });

  it('gives each caller half the bound by default', async () => {
    // The door's own budget, from its options (maxBodyBytesInFlight 192 KiB): a share of 96 KiB.
    const handler = door.make(undefined as unknown as BodyBudget);
    const first = heldRequest(door.url, door.headers, padded(bodyOf(door, 0)));
    const firstAnswer = handler(first.request);
    await first.started;
    await expectRefused(door, await handler(whole(door, 1)), callerBusyMessage(IN_FLIGHT / 2));
    await expectServed(door, await handler(whole(door, 2, asBob(door))));
    first.finish();
    await expectServed(door, await firstAnswer);
  });
});

describe('mountDoors: one bound for every door it mounts, fair to callers', () => {
  const at = (path: string) => `http://127.0.0.1${path}`;
  const mcp = mcpDoor();
  const mcpHeaders = mcp.headers;
  const openAIBody = { model: 'support-agent', messages: [{ role: 'user', content: 'Hi' }] };
  const openAIHeaders = {
    authorization: `Bearer ${KEYS.alice}`,
    'content-type': 'application/json',
  };

  function mounted(options: { maxBodyBytesInFlight: number }) {
    const { agent } = agentOnFake(Array.from({ length: 4 }, () => turn.text('Hello.')));
    const doors = mountDoors({
      authorize: authorizeByKey,
      maxBodyBytes: MAX,
      ...options,
      heartbeatMs: 0,
      openai: { agents: { 'support-agent': agent } },
      mcp: { agents: { support: agent } },
    });
    onTestFinished(() => doors.close());
    return doors;
  }

  it("counts the MCP door's bodies: an OpenAI body filling the bound is a 503 to an MCP POST", async () => {
    const doors = mounted({ maxBodyBytesInFlight: MAX });
    const held = heldRequest(at('/v1/chat/completions'), openAIHeaders, padded(openAIBody));
    const answer = doors.handler(held.request);
    await held.started;
    const refused = await doors.handler(wholeRequest(at('/mcp'), mcpHeaders, padded(INITIALIZE)));
    await expectRefused(mcp, refused, bodiesBusyMessage(MAX));
    held.finish();
    expect((await answer).status).toBe(200);
    const opened = await doors.handler(wholeRequest(at('/mcp'), mcpHeaders, padded(INITIALIZE)));
    expect(opened.status).toBe(200);
    await opened.text();
  });

  it("holds a caller to its share across the doors: Alice's MCP POST refused while Bob's is read", async () => {
    const doors = mounted({ maxBodyBytesInFlight: IN_FLIGHT });
    const held = heldRequest(at('/v1/chat/completions'), openAIHeaders, padded(openAIBody));
    const answer = doors.handler(held.request);
    await held.started;
    const refused = await doors.handler(wholeRequest(at('/mcp'), mcpHeaders, padded(INITIALIZE)));
    await expectRefused(mcp, refused, callerBusyMessage(IN_FLIGHT / 2));
    const bob = { ...mcpHeaders, authorization: `Bearer ${KEYS.bob}` };
    const opened = await doors.handler(wholeRequest(at('/mcp'), bob, padded(INITIALIZE)));
    expect(opened.status).toBe(200);
    await opened.text();
    held.finish();
    expect((await answer).status).toBe(200);
  });

  it('checks maxBodyBytesInFlightPerCaller where it is given, and names the one meant when misspelt', () => {
    const { agent } = agentOnFake([]);
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        maxBodyBytesInFlightPerCaller: 0,
        mcp: { agents: { support: agent } },
      }),
    ).toThrow('maxBodyBytesInFlightPerCaller must be a positive integer; got 0.');
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        maxBodyBytes: MAX,
        agUi: { agent, maxBodyBytesInFlightPerCaller: MAX - 1 },
      }),
    ).toThrow(
      `maxBodyBytesInFlightPerCaller must be at least maxBodyBytes (${MAX}): a body the size of the limit has to fit; got ${MAX - 1}.`,
    );
    expect(() =>
      mountDoors({
        authorize: authorizeByKey,
        maxBodyBytesInFlightPerCaler: MAX,
        agUi: { agent },
      } as never),
    ).toThrow("Did you mean 'maxBodyBytesInFlightPerCaller'?");
    expect(() =>
      createMcpServer({
        agents: { support: agent },
        authorize: authorizeByKey,
        maxBodyBytesInFlght: 4 * MAX,
      } as never),
    ).toThrow("Did you mean 'maxBodyBytesInFlight'?");
  });
});
