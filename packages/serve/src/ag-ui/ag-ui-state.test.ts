import { buildResumeArray } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { type AgentEvent, defineTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi, TOKENS } from './__fixtures__/serve-ag-ui.ts';
import type { AgUiStateOptions } from './ag-ui-state.ts';
import { createAgUiHandler } from './create-ag-ui-handler.ts';

// Shared state (https://docs.ag-ui.com/concepts/state): the thread's JSON state, changed by the
// server's reducer from the run's events, sent as STATE_SNAPSHOT then STATE_DELTA (JSON Patch),
// which `@ag-ui/client`'s HttpAgent applies to its own `state`.

type Orders = { orders: Record<string, string>; steps: number };

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string(), token: z.string() }),
  secretArguments: ['token'],
  execute: ({ order }) => ({ order, status: 'shipped' }),
});

/** The orders the agent looked up, and the model calls made: only what the page may show. */
const ordersState: AgUiStateOptions = {
  initial: { orders: {}, steps: 0 },
  reduce: (state, event: AgentEvent<unknown>) => {
    const current = state as Orders;
    if (event.type === 'step-end') return { ...current, steps: current.steps + 1 };
    if (event.type !== 'tool-result' || event.toolCall.toolName !== 'lookup_order') return;
    const output = event.toolCall.output as { order: string; status: string };
    return { ...current, orders: { ...current.orders, [output.order]: output.status } };
  },
};

const ofType = (events: BaseEvent[], type: string) =>
  events.filter((event) => event.type === type) as unknown as Record<string, unknown>[];

describe('AG-UI shared state', () => {
  it('sends the state as a snapshot after RUN_STARTED, then JSON Patch deltas HttpAgent applies', async () => {
    // A state larger than its patches (a smaller one goes as snapshots: see the next test).
    const notes = 'Orders the customer asked about. '.repeat(4);
    const { client, events } = await serveAgUi(
      [
        turn.call('lookup_order', { order: 'A-7', token: 'secret-token-123' }),
        turn.text('A-7 has shipped.'),
      ],
      {
        agent: { tools: [lookupOrder] },
        handler: { state: { ...ordersState, initial: { orders: {}, steps: 0, notes } } },
      },
    );
    const http = client('alice', 'state-1');
    const { seen } = await events(http, 'Where is A-7?');
    expect(seen.map((event) => event.type).slice(0, 2)).toEqual(['RUN_STARTED', 'STATE_SNAPSHOT']);
    expect(ofType(seen, 'STATE_SNAPSHOT')).toEqual([
      expect.objectContaining({ snapshot: { orders: {}, steps: 0, notes } }),
    ]);
    const deltas = ofType(seen, 'STATE_DELTA');
    expect(deltas).toHaveLength(3);
    expect(deltas[0]?.['delta']).toEqual([{ op: 'add', path: '/orders/A-7', value: 'shipped' }]);
    // The delta follows the result it comes from.
    const order: string[] = seen.map((event) => event.type);
    expect(order.indexOf('STATE_DELTA')).toBeGreaterThan(order.indexOf('TOOL_CALL_RESULT'));
    expect(http.state).toEqual({ orders: { 'A-7': 'shipped' }, steps: 2, notes });
    expect(JSON.stringify(seen)).not.toContain('secret-token-123');
  });

  it('sends a change as a snapshot when that is shorter than its patch', async () => {
    const { client, events } = await serveAgUi([turn.text('Hi.')], {
      handler: { state: ordersState },
    });
    const http = client('alice', 'state-small');
    const { seen } = await events(http, 'Hi');
    expect(ofType(seen, 'STATE_DELTA')).toEqual([]);
    expect(ofType(seen, 'STATE_SNAPSHOT').map((event) => event['snapshot'])).toEqual([
      { orders: {}, steps: 0 },
      { orders: {}, steps: 1 },
    ]);
    expect(http.state).toEqual({ orders: {}, steps: 1 });
  });

  it("starts the thread's next run from the state the last one left, not the client's", async () => {
    const { client, events, post } = await serveAgUi(
      [
        turn.call('lookup_order', { order: 'A-7', token: 't' }),
        turn.text('Shipped.'),
        turn.text('Still shipped.'),
      ],
      { agent: { tools: [lookupOrder] }, handler: { state: ordersState } },
    );
    const http = client('alice', 'state-2');
    await events(http, 'Where is A-7?');
    // A client that claims another state: the server's stays (acceptClientState is off).
    http.state = { orders: { 'B-1': 'refunded' }, steps: 99 };
    const { seen } = await events(http, 'And now?');
    expect(ofType(seen, 'STATE_SNAPSHOT')[0]?.['snapshot']).toEqual({
      orders: { 'A-7': 'shipped' },
      steps: 2,
    });
    expect(http.state).toEqual({ orders: { 'A-7': 'shipped' }, steps: 3 });
    // Another owner's same threadId starts from the initial state: threads are per caller.
    const bob = await post(
      JSON.stringify({
        threadId: 'state-2',
        runId: 'r-bob',
        messages: [{ id: 'm', role: 'user', content: 'Hi' }],
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      }),
      { authorization: `Bearer ${TOKENS.bob}` },
    );
    expect(bob.status).toBe(200);
    const text = await bob.text();
    expect(text).toContain('"snapshot":{"orders":{},"steps":0}');
    expect(text).not.toContain('A-7');
  });

  it('with acceptClientState, starts from the state the client sends, bounded by maxStateChars', async () => {
    const { client, events, post } = await serveAgUi(
      [turn.text('Noted.'), turn.text('Never sent.')],
      {
        handler: { state: { ...ordersState, acceptClientState: true, maxStateChars: 200 } },
      },
    );
    const http = client('alice', 'state-3');
    http.state = { orders: { 'B-1': 'refunded' }, steps: 5 };
    const { seen } = await events(http, 'Hi');
    expect(ofType(seen, 'STATE_SNAPSHOT')[0]?.['snapshot']).toEqual({
      orders: { 'B-1': 'refunded' },
      steps: 5,
    });
    expect(http.state).toEqual({ orders: { 'B-1': 'refunded' }, steps: 6 });
    const oversized = await post(
      JSON.stringify({
        threadId: 'state-4',
        runId: 'r',
        messages: [{ id: 'm', role: 'user', content: 'Hi' }],
        tools: [],
        context: [],
        state: { blob: 'x'.repeat(500) },
        forwardedProps: {},
      }),
    );
    expect(oversized.status).toBe(400);
    expect(await oversized.json()).toMatchObject({ error: { code: 'invalid_input' } });
    // A state nested far past any page's (JSON.stringify would overflow its stack): 400, named.
    const depth = 300_000;
    const deep = await post(
      `{"threadId":"state-5","runId":"r","messages":[{"id":"m","role":"user","content":"Hi"}],"tools":[],"context":[],"forwardedProps":{},"state":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    );
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringContaining('deeper than 64') },
    });
  });

  it('opens the run that resumes after an interrupt with the whole state, then its changes', async () => {
    const approvals = createApprovalBroker();
    const { client, events } = await serveAgUi(
      [turn.call('lookup_order', { order: 'A-7', token: 't' }), turn.text('A-7 has shipped.')],
      {
        agent: { tools: [lookupOrder], beforeToolCall: approvals.beforeToolCall },
        handler: { approvals, state: ordersState },
      },
    );
    const http = client('alice', 'state-interrupt');
    const first = await events(http, 'Where is A-7?');
    expect(first.seen.map((event) => event.type).slice(0, 2)).toEqual([
      'RUN_STARTED',
      'STATE_SNAPSHOT',
    ]);
    expect(http.pendingInterrupts).toHaveLength(1);
    expect(http.state).toEqual({ orders: {}, steps: 0 });
    const seen: BaseEvent[] = [];
    await http.runAgent(
      {
        resume: buildResumeArray(http.pendingInterrupts, {
          [http.pendingInterrupts[0]?.id as string]: {
            status: 'resolved',
            payload: { approved: true },
          },
        }),
      },
      { onEvent: ({ event }) => void seen.push(event) },
    );
    expect(seen.map((event) => event.type).slice(0, 2)).toEqual(['RUN_STARTED', 'STATE_SNAPSHOT']);
    expect(ofType(seen, 'STATE_SNAPSHOT')[0]?.['snapshot']).toEqual({ orders: {}, steps: 0 });
    expect(http.state).toEqual({ orders: { 'A-7': 'shipped' }, steps: 2 });
  });

  it('keeps the state and finishes the run when the reducer throws or returns what is not JSON', async () => {
    let calls = 0;
    const { client, events, errors } = await serveAgUi([turn.text('Done.')], {
      handler: {
        state: {
          reduce: (state, event) => {
            if (event.type === 'step-start') throw new Error('reducer bug');
            if (event.type === 'step-end') return { big: 1n };
            calls += 1;
            return state;
          },
        },
      },
    });
    const http = client('alice', 'state-5');
    const { seen, run } = await events(http, 'Hi');
    expect(run.result).toBe('Done.');
    expect(ofType(seen, 'STATE_DELTA')).toEqual([]);
    expect(ofType(seen, 'RUN_ERROR')).toEqual([]);
    expect(http.state).toEqual({});
    expect(calls).toBeGreaterThan(0);
    expect(errors.map((error) => String(error))).toEqual([
      'Error: reducer bug',
      expect.stringContaining('TypeError'),
    ]);
  });

  it('refuses state options it cannot serve with, naming them', () => {
    const authorize = () => 'alice';
    for (const state of [
      { initial: {} },
      { reduce: () => undefined, initial: { big: 'x'.repeat(70_000) } },
      { reduce: () => undefined, maxStateChars: 0 },
    ]) {
      expect(() =>
        createAgUiHandler({
          agent: { run: () => undefined } as never,
          authorize,
          state: state as never,
        }),
      ).toThrow(InvalidArgumentError);
    }
  });
});
