import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker } from '@gemloop/core/web';
import { describe, expect, it } from 'vitest';
import { checkA2AOptions, isHttpUrl } from './check-a2a-options.ts';

// createA2AHandler's options past what the door test names (create-a2a-handler.test.ts): the
// defaults, a card of blanks, durable tasks with an in-process broker, and the endpoint URL.

const agent = { run: () => {}, stream: () => {} } as never;
const base = {
  agent,
  card: { name: 'Support', description: 'Answers orders.' },
  authorize: () => 'alice',
};
const durable = {
  runs: { start: () => {}, events: () => {}, status: () => {}, result: () => {}, cancel: () => {} },
  agent: 'support',
};
const refusal = (options: unknown) => {
  try {
    checkA2AOptions(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error))
      return { argument: error.argument, message: error.message };
    throw error;
  }
  return undefined;
};

describe('checkA2AOptions', () => {
  it('defaults: 1000 contexts, 10,000 tasks, 32 subscribers a task, v0.3 served too', () => {
    expect(checkA2AOptions(base as never)).toMatchObject({
      maxContexts: 1000,
      maxTasks: 10_000,
      maxTotalTaskBytes: 256 * 1024 * 1024,
      maxSubscribersPerTask: 32,
      v03: true,
      // 32 MiB since media-size56: a photo sent inline as base64.
      maxBodyBytes: 32 * 1024 * 1024,
    });
    expect(checkA2AOptions({ ...base, v03: false } as never).v03).toBe(false);
  });

  it('a durable door needs no in-process agent, and refuses the in-process approvals broker', () => {
    expect(refusal({ ...base, agent: undefined, durable })).toBeUndefined();
    expect(refusal({ ...base, durable, approvals: {} })).toMatchObject({ argument: 'approvals' });
    expect(
      refusal({ ...base, durable: { ...durable, runs: { ...durable.runs, cancel: undefined } } }),
    ).toMatchObject({ argument: 'durable' });
  });

  it("a durable door's history must be a store and its model a name, each named when it is not", () => {
    const store = { load: () => [], append: () => {}, clear: () => {} };
    expect(
      refusal({
        ...base,
        durable: { ...durable, history: store, model: 'gemini-3-flash-preview' },
      }),
    ).toBeUndefined();
    expect(
      refusal({ ...base, durable: { ...durable, history: { load: () => [] } } }),
    ).toMatchObject({
      argument: 'durable',
      message: expect.stringContaining('durable.history must be a HistoryStore'),
    });
    // historyByReference: a boolean, and true with a store that names its turns only.
    const referring = { ...store, historyReference: () => ({}) };
    for (const historyByReference of [false, true]) {
      expect(
        refusal({ ...base, durable: { ...durable, history: referring, historyByReference } }),
      ).toBeUndefined();
    }
    for (const refused of [
      { history: store, historyByReference: true },
      { historyByReference: true },
      { history: referring, historyByReference: 'yes' },
    ]) {
      expect(refusal({ ...base, durable: { ...durable, ...refused } })).toMatchObject({
        argument: 'durable',
        message: expect.stringContaining(
          'durable.historyByReference must be true or false, and true needs durable.history',
        ),
      });
    }
    expect(refusal({ ...base, durable: { ...durable, history: store, model: ' ' } })).toMatchObject(
      {
        argument: 'durable',
        message: expect.stringContaining("durable.model must be the agent's model name"),
      },
    );
  });

  // attack46a: an object no broker made (a hand-made one, a broker of another version of
  // @gemloop/core in the process) was taken and ignored: the task never asked for an approval.
  it('refuses approvals that createApprovalBroker did not make, and takes one it made', () => {
    expect(refusal({ ...base, approvals: {} })).toMatchObject({
      argument: 'approvals',
      message: expect.stringContaining('made by createApprovalBroker'),
    });
    expect(refusal({ ...base, approvals: createApprovalBroker() })).toBeUndefined();
  });

  it('refuses a card of blanks, and a non-object', () => {
    expect(refusal({ ...base, card: { name: '  ', description: 'x' } })).toMatchObject({
      argument: 'card',
    });
    expect(refusal({ ...base, card: { name: 'x', description: '\n' } })).toMatchObject({
      argument: 'card',
    });
    expect(refusal('options')).toMatchObject({ argument: 'options' });
  });

  it('checks the numbers it keeps: contexts and tasks are whole and positive', () => {
    expect(refusal({ ...base, maxContexts: 0 })).toMatchObject({ argument: 'maxContexts' });
    expect(refusal({ ...base, maxTasks: 2.5 })).toMatchObject({ argument: 'maxTasks' });
    expect(refusal({ ...base, maxTotalTaskBytes: 0 })).toMatchObject({
      argument: 'maxTotalTaskBytes',
    });
    expect(refusal({ ...base, maxSubscribersPerTask: 0 })).toMatchObject({
      argument: 'maxSubscribersPerTask',
    });
  });
});

describe('isHttpUrl', () => {
  it.each([
    ['https://agents.example/a2a/', true],
    ['http://127.0.0.1:8080/', true],
    ['ftp://agents.example/', false],
    ['javascript:alert(1)', false],
    ['/a2a/', false],
    [42, false],
  ])('%s: %s', (url, expected) => {
    expect(isHttpUrl(url)).toBe(expected);
  });
});
