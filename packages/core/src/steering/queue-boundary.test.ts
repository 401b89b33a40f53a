import { describe, expect, it } from 'vitest';
import { SteeringError } from '../errors/steering-error.ts';
import type { Content } from '../wire/content.ts';
import { addReceived, bindQueue, takeSteers, unbindQueue } from './queue-boundary.ts';
import { SteeringQueue } from './steering-queue.ts';

const text = (content: Content): string | undefined => content.parts[0]?.text;

describe('queue-boundary', () => {
  it('takes the steers at a step boundary and leaves the queued messages for the answer', () => {
    const queue = new SteeringQueue({}, false);
    queue.add('queue', 'later');
    queue.add('steer', 'now');
    expect(takeSteers(queue, false).map((steer) => text(steer.content))).toEqual(['now']);
    expect(queue.size).toBe(1);
    expect(takeSteers(queue, true).map((steer) => text(steer.content))).toEqual(['later']);
    expect(takeSteers(queue, true)).toEqual([]);
  });

  it('binds one run at a time, reporting what already waits, and a one-run queue closes on unbind', () => {
    const queue = new SteeringQueue({}, true);
    queue.add('steer', 'first');
    const heard: (string | undefined)[] = [];
    bindQueue(queue, ({ steer }) => heard.push(text(steer.content)));
    queue.add('steer', 'second');
    expect(heard).toEqual(['first', 'second']);
    expect(() => bindQueue(queue, () => {})).toThrow(SteeringError);
    expect(unbindQueue(queue).map((steer) => text(steer.content))).toEqual(['first', 'second']);
    expect(queue.closed).toBe(true);
    expect(() => queue.add('steer', 'too late')).toThrow(/run is over/);
  });

  it('adds what receive brought, skipping what is no message and returning what is past maxPending', () => {
    const queue = new SteeringQueue({ maxPending: 2 }, false);
    const dropped = addReceived(queue, [
      null as never,
      { message: '' },
      { message: 'a' },
      { message: [{ text: 'b' }], mode: 'queue' },
      { message: 'c' },
    ]);
    expect(dropped.map((steer) => text(steer.content))).toEqual(['c']);
    expect(takeSteers(queue, true).map((steer) => [steer.mode, text(steer.content)])).toEqual([
      ['steer', 'a'],
      ['queue', 'b'],
    ]);
  });
});
