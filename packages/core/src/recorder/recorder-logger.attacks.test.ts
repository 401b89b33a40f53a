import { InvalidArgumentError } from '@gemloop/core/errors';
import { loopGuard } from '@gemloop/core/loop-guard';
import { createLiveRecorder, createRunRecorder } from '@gemloop/core/recorder';
import { describe, expect, it } from 'vitest';

// attack14: values of the wrong kind taken as "off". A recorder's `logger: 5` (or `'pino'`, `true`)
// was accepted and called as `logger?.warn?.()`: every write failure went unreported. A loop
// guard's `inherit: 'no'` was accepted, and a truthy text left subagents guarded.

describe('options of the wrong kind', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['createRunRecorder logger 5', () => createRunRecorder({ logger: 5 as never }), /logger/],
    [
      "createRunRecorder logger 'pino'",
      () => createRunRecorder({ logger: 'pino' as never }),
      /logger/,
    ],
    ['createRunRecorder logger {}', () => createRunRecorder({ logger: {} as never }), /warn/],
    [
      'createLiveRecorder logger true',
      () => createLiveRecorder({ logger: true as never }),
      /logger/,
    ],
    ["loopGuard inherit 'no'", () => loopGuard({ inherit: 'no' as never }), /inherit/],
    ['loopGuard inherit NaN', () => loopGuard({ inherit: Number.NaN as never }), /inherit/],
  ])('%s: an InvalidArgumentError naming it', (_label, make, named) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(named);
  });

  it('a logger with warn (what the recorders call) and a boolean inherit still pass', () => {
    const logger = { warn: () => {} };
    expect(() => createRunRecorder({ logger: logger as never, dir: '.gemloop/x' })).not.toThrow();
    expect(() => createLiveRecorder({ logger: logger as never, dir: '.gemloop/x' })).not.toThrow();
    expect(loopGuard({ inherit: false }).inherit).toBe(false);
  });
});
