import { describe, expect, it } from 'vitest';
import { RunMessageError } from '../../../errors/run-message-error.ts';
import { type ReceivingRun, receiveMessages } from './receive-messages.ts';
import { MAX_RUN_MESSAGE_BYTES, RunInbox } from './run-messages.ts';

// `run.receive(topic)` below the loop: the place and topic checked, what a runner hands back
// checked as hostile (a DBOS message may come from anyone with the database), a subagent's run
// reading nothing, one read at a time, and what was received reported once.

type Emitted = { plugin: string; kind: string; data: unknown };

function receivingRun({
  service,
  inbox,
  path = [],
  atBoundary = 1,
}: {
  service?: (topic: string, max: number) => Promise<readonly unknown[]>;
  inbox?: RunInbox;
  path?: string[];
  atBoundary?: number;
}): ReceivingRun & { emitted: Emitted[]; asked: { topic: string; max: number }[] } {
  const emitted: Emitted[] = [];
  const asked: { topic: string; max: number }[] = [];
  const facts = {
    path,
    services:
      service === undefined
        ? undefined
        : {
            receive: (topic: string, max: number) => {
              asked.push({ topic, max });
              return service(topic, max);
            },
          },
    // The run's redactor: an API key in a received value does not reach the event.
    redact: <T>(value: T): T =>
      JSON.parse(JSON.stringify(value).replaceAll('SECRET-KEY', '[redacted]')),
  } as ReceivingRun['facts'];
  return {
    facts,
    inbox: inbox === undefined ? undefined : () => inbox,
    atBoundary,
    receiving: Promise.resolve(),
    emit: (plugin, kind, data) => emitted.push({ plugin, kind, data }),
    emitted,
    asked,
  };
}

describe('receiveMessages', () => {
  it("drops and reports a runner's values that are not JSON data or too large, and copies the rest", async () => {
    const shared = { note: 'hi', key: 'SECRET-KEY' };
    const run = receivingRun({
      service: async () => [shared, 'x'.repeat(MAX_RUN_MESSAGE_BYTES + 1), undefined, 7],
    });
    const values = await receiveMessages(run, 'ops-plugin', 'ops', undefined);
    expect(values).toEqual([{ note: 'hi', key: 'SECRET-KEY' }, 7]);
    // A copy: the plugin's changes do not reach what the runner holds.
    expect(values[0]).not.toBe(shared);
    expect(run.emitted).toEqual([
      {
        plugin: 'ops-plugin',
        kind: 'received',
        data: {
          topic: 'ops',
          values: [{ note: 'hi', key: '[redacted]' }, 7],
          dropped: [{ reason: 'too-large' }, { reason: 'invalid-value' }],
        },
      },
    ]);
    expect(run.asked).toEqual([{ topic: 'ops', max: 32 }]);
  });

  it('asks for at most `max`, and keeps at most 32 of what a runner returns', async () => {
    const run = receivingRun({
      service: async () => Array.from({ length: 40 }, (_, index) => index),
    });
    expect(await receiveMessages(run, 'p', 'ops', { max: 5 })).toHaveLength(32);
    expect(run.asked).toEqual([{ topic: 'ops', max: 5 }]);
    for (const max of [0, 33, 1.5, '3', null]) {
      await expect(receiveMessages(run, 'p', 'ops', { max })).rejects.toThrow(/options.max/);
    }
  });

  it('refuses an option it does not take, a misspelt max among them (attack60d)', async () => {
    const run = receivingRun({ service: async () => [1, 2, 3] });
    await expect(receiveMessages(run, 'p', 'ops', { maks: 1 })).rejects.toThrow(
      "options has no 'maks'; it takes { max }",
    );
    await expect(
      receiveMessages(run, 'p', 'ops', { ['m\u202e'.repeat(100_000)]: 1 }),
    ).rejects.toThrow(/options has no 'm\\u202e.*\(200000 characters\)'/);
    expect(run.asked).toEqual([]);
  });

  it("reads nothing for a subagent's run, and nothing when nobody can send", async () => {
    const run = receivingRun({ service: async () => ['x'], path: ['researcher'] });
    expect(await receiveMessages(run, 'p', 'ops', undefined)).toEqual([]);
    expect(run.asked).toEqual([]);
    expect(await receiveMessages(receivingRun({}), 'p', 'ops', undefined)).toEqual([]);
  });

  it('refuses a bad topic, gemloop own topics, and a read outside a step boundary', async () => {
    const run = receivingRun({ service: async () => [] });
    for (const topic of ['', 'a b', 'a:b', 'gemloop.steer', 'x'.repeat(101), 42]) {
      await expect(receiveMessages(run, 'p', topic, undefined)).rejects.toBeInstanceOf(
        RunMessageError,
      );
    }
    await expect(
      receiveMessages(receivingRun({ atBoundary: 0 }), 'p', 'ops', undefined),
    ).rejects.toThrow(/step boundary/);
    expect(run.asked).toEqual([]);
  });

  it('reads one call at a time, in the order they were made (a durable run numbers its reads)', async () => {
    const order: string[] = [];
    let release = (): void => {};
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run = receivingRun({
      service: async (topic) => {
        order.push(`start ${topic}`);
        if (topic === 'a') await first;
        order.push(`end ${topic}`);
        return [];
      },
    });
    const reads = [
      receiveMessages(run, 'p', 'a', undefined),
      receiveMessages(run, 'p', 'b', undefined),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await Promise.all(reads);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it("takes from the run's inbox in process: each topic's own, oldest first, as data of its own", async () => {
    const inbox = new RunInbox({ closed: false, opened: undefined });
    const sent = { pause: 'refund' };
    inbox.send('ops', sent);
    inbox.send('ops', 2);
    inbox.send('other', 3);
    sent.pause = 'changed after sending';
    const run = receivingRun({ inbox });
    expect(await receiveMessages(run, 'p', 'ops', { max: 1 })).toEqual([{ pause: 'refund' }]);
    expect(await receiveMessages(run, 'p', 'ops', undefined)).toEqual([2]);
    expect(await receiveMessages(run, 'p', 'ops', undefined)).toEqual([]);
    expect(inbox.size).toBe(1);
  });

  it('bounds the inbox: 32 a topic, 32 topics, and refuses once its one run is over', () => {
    const owner = { closed: false, opened: undefined as RunInbox | undefined };
    const inbox = new RunInbox(owner);
    expect(owner.opened).toBe(inbox);
    for (let index = 0; index < 32; index++) inbox.send(`t${index}`, index);
    expect(() => inbox.send('t32', 1)).toThrow(
      expect.objectContaining({ reason: 'too-many-pending' }),
    );
    for (let index = 1; index < 32; index++) inbox.send('t0', index);
    expect(() => inbox.send('t0', 1)).toThrow(/32 messages already wait on "t0"/);
    owner.closed = true;
    expect(() => inbox.send('t1', 1)).toThrow(expect.objectContaining({ reason: 'run-ended' }));
  });
});
