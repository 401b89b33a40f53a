import type { BaseEvent } from '@ag-ui/core';
import type { AgentEvent } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';
import type { AgUiStateOptions } from './ag-ui-state.ts';
import { createAgUiHandler } from './create-ag-ui-handler.ts';

// The AG-UI door's shared state tried as a hostile client or a careless reducer would: a
// `__proto__` key, a reducer that builds a state deeper than the page can apply. Driven by
// `@ag-ui/client`'s HttpAgent where it can send it, raw HTTP where it cannot.

const ofType = (events: BaseEvent[], type: string) =>
  events.filter((event) => event.type === type) as unknown as Record<string, unknown>[];

const countSteps: AgUiStateOptions = {
  initial: { steps: 0 },
  acceptClientState: true,
  reduce: (state, event: AgentEvent<unknown>) => {
    const current = state as { steps: number };
    if (event.type === 'step-end') return { ...current, steps: current.steps + 1 };
    return undefined;
  },
};

const nest = (depth: number, leaf: unknown) => {
  let value: unknown = leaf;
  for (let each = 0; each < depth; each += 1) value = [value];
  return value;
};

describe('AG-UI shared state under attack', () => {
  it('answers 400 to a client state with a __proto__ key, naming where, and runs nothing', async () => {
    const { client, post, fake } = await serveAgUi([turn.text('Hi.')], {
      handler: { state: countSteps },
    });
    // HttpAgent sends it as it is (its own state, parsed from hostile JSON).
    const http = client('alice', 'proto-1');
    http.state = JSON.parse('{"steps":1,"prefs":{"__proto__":{"isAdmin":true}}}');
    http.addMessage({ id: 'm', role: 'user', content: 'Hi' });
    await expect(http.runAgent({})).rejects.toThrow();
    const response = await post(
      '{"threadId":"proto-2","runId":"r","messages":[{"id":"m","role":"user","content":"Hi"}],"tools":[],"context":[],"forwardedProps":{},"state":{"steps":1,"prefs":{"__proto__":{"isAdmin":true}}}}',
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_input', message: expect.stringContaining('/prefs/__proto__') },
    });
    expect(fake.requests).toHaveLength(0);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    // A "constructor" key is data like any other.
    const plain = client('alice', 'proto-3');
    plain.state = { steps: 1, constructor: { name: 'Bob' } };
    plain.addMessage({ id: 'm', role: 'user', content: 'Hi' });
    await plain.runAgent({});
    expect(plain.state).toEqual({ steps: 2, constructor: { name: 'Bob' } });
  });

  it('keeps a reducer state deeper than the page can apply from the page: the run finishes, onError names it', async () => {
    // 4,000 levels: JSON.stringify and fast-json-patch's compare take it on the server, and
    // HttpAgent's run failed with "Maximum call stack size exceeded" applying it.
    const { client, errors } = await serveAgUi([turn.text('Hi.')], {
      handler: {
        state: {
          initial: { steps: 0 },
          maxStateChars: 1_000_000,
          reduce: (_state, event: AgentEvent<unknown>) =>
            event.type === 'step-end' ? { deep: nest(4000, 1) } : undefined,
        },
      },
    });
    const http = client('alice', 'deep-1');
    const seen: BaseEvent[] = [];
    http.addMessage({ id: 'm', role: 'user', content: 'Hi' });
    await http.runAgent({}, { onEvent: ({ event }) => void seen.push(event) });
    expect(seen.map((event) => event.type)).toContain('RUN_FINISHED');
    expect(ofType(seen, 'STATE_SNAPSHOT').map((event) => event['snapshot'])).toEqual([
      { steps: 0 },
    ]);
    expect(ofType(seen, 'STATE_DELTA')).toEqual([]);
    expect(http.state).toEqual({ steps: 0 });
    expect(errors.map(String)).toEqual([expect.stringContaining('deeper than 64 levels')]);
  });

  it('keeps a reducer state with a __proto__ key or a cycle from the page', async () => {
    const cycle: Record<string, unknown> = { steps: 1 };
    cycle['self'] = cycle;
    const states = [JSON.parse('{"steps":1,"__proto__":{"x":1}}'), cycle];
    const { client, errors } = await serveAgUi([turn.text('Hi.')], {
      handler: {
        state: {
          initial: { steps: 0 },
          reduce: (_state, event: AgentEvent<unknown>) =>
            event.type === 'step-start' || event.type === 'step-end' ? states.shift() : undefined,
        },
      },
    });
    const http = client('alice', 'proto-reducer');
    http.addMessage({ id: 'm', role: 'user', content: 'Hi' });
    const seen: BaseEvent[] = [];
    await http.runAgent({}, { onEvent: ({ event }) => void seen.push(event) });
    expect(seen.map((event) => event.type)).toContain('RUN_FINISHED');
    expect(http.state).toEqual({ steps: 0 });
    expect(errors.map(String)).toEqual([
      expect.stringContaining('"/__proto__"'),
      expect.stringContaining('deeper than 64 levels'),
    ]);
  });

  it('refuses an initial state it could not send, naming the option', () => {
    for (const initial of [nest(100, 1), JSON.parse('{"a":{"__proto__":{}}}')]) {
      expect(() =>
        createAgUiHandler({
          agent: {} as never,
          authorize: () => 'alice',
          state: { initial, reduce: () => undefined },
        }),
      ).toThrow(InvalidArgumentError);
    }
  });

  it('keeps the state when a careless reducer returns a Promise or a Map (JSON.stringify writes them as {})', async () => {
    const { client, errors } = await serveAgUi([turn.text('Hi.')], {
      handler: {
        state: {
          initial: { steps: 0, orders: { 'A-7': 'shipped' } },
          reduce: (state, event: AgentEvent<unknown>) => {
            if (event.type === 'step-start') return Promise.resolve({ steps: 1 });
            if (event.type === 'step-end')
              return { ...(state as object), seen: new Map([['a', 1]]) };
            return undefined;
          },
        },
      },
    });
    const http = client('alice', 'async-reducer');
    http.addMessage({ id: 'm', role: 'user', content: 'Hi' });
    await http.runAgent({});
    expect(http.state).toEqual({ steps: 0, orders: { 'A-7': 'shipped' } });
    expect(errors.map(String)).toEqual([
      expect.stringContaining('is a Promise at ""'),
      expect.stringContaining('holds a Map at "/seen"'),
    ]);
  });
});
