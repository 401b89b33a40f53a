import { describe, expect, it } from 'vitest';
import type {
  ModelCallObservation,
  RunObservation,
  RunObserver,
  RunStartInfo,
} from './run-observer.ts';
import { startObservation } from './start-observation.ts';

// How a run's observers (telemetry, the recorder) are started and joined: the run pays nothing
// when none follows it, every observer gets every record, and an observer that fails (at its
// start, in a record, around a call) never changes the run, nor what the others record.

const INFO = {
  runId: 'run-1',
  agentName: 'agent',
  model: 'gemini-2.5-flash',
  baseUrl: 'https://gemini.test',
  streaming: false,
  conversationId: undefined,
  input: 'hi',
  startedAt: 0,
  path: [],
} as unknown as RunStartInfo;

/** An observation that logs each record under `name`, with optional wrap and event reader. */
function logged(
  name: string,
  log: string[],
  options: { wrap?: boolean; events?: boolean; throwing?: boolean } = {},
): RunObservation {
  const fail = (what: string) => {
    log.push(`${name} ${what}`);
    if (options.throwing === true) throw new Error(`${name} broke`);
  };
  const call: ModelCallObservation = {
    ...(options.wrap === true && {
      wrap: <T>(fn: () => T): T => {
        log.push(`${name} wrap in`);
        const value = fn();
        log.push(`${name} wrap out`);
        return value;
      },
    }),
    retry: () => fail('retry'),
    firstChunk: () => fail('first-chunk'),
    end: () => fail('model-end'),
  };
  return {
    modelCall: () => call,
    toolCall: () => ({ end: () => fail('tool-end') }),
    stepEnd: () => fail('step-end'),
    ...(options.events === true && { event: () => fail('event') }),
    end: () => fail('end'),
  };
}

const observer = (
  observation: RunObservation | undefined | Promise<RunObservation | undefined>,
): RunObserver => ({
  startRun: () => observation,
});

/** Drives every record of a run through `observation`. */
function drive(observation: RunObservation | undefined): unknown {
  if (observation === undefined) throw new Error('no observation');
  const call = observation.modelCall({} as never);
  const value = (call.wrap ?? ((fn) => fn()))(() => 'answer');
  call.retry({} as never);
  call.firstChunk(1);
  call.end({} as never, 2);
  observation.toolCall({} as never).end({} as never, 3);
  observation.stepEnd({} as never);
  observation.event?.({} as never, 4);
  observation.end({} as never, 5);
  return value;
}

describe('startObservation', () => {
  it('gives undefined, synchronously, when no observer follows the run', () => {
    expect(startObservation([], INFO)).toBeUndefined();
    expect(startObservation([observer(undefined), observer(undefined)], INFO)).toBeUndefined();
  });

  it('skips an observer whose start throws, and keeps the others', () => {
    const log: string[] = [];
    const broken: RunObserver = {
      startRun: () => {
        throw new Error('bad config');
      },
    };
    const joined = startObservation([broken, observer(logged('a', log))], INFO);
    expect(joined).not.toBeInstanceOf(Promise);
    drive(joined as RunObservation);
    expect(log).toEqual([
      'a retry',
      'a first-chunk',
      'a model-end',
      'a tool-end',
      'a step-end',
      'a end',
    ]);
  });

  it('waits once for an observer that starts asynchronously, and skips one whose start rejects', async () => {
    const log: string[] = [];
    const joined = startObservation(
      [
        observer(Promise.resolve(logged('late', log))),
        observer(Promise.reject(new Error('optional dependency missing'))),
        observer(logged('now', log)),
      ],
      INFO,
    );
    expect(joined).toBeInstanceOf(Promise);
    drive(await joined);
    expect(log.filter((line) => line.endsWith(' end'))).toEqual(['late end', 'now end']);
    expect(await startObservation([observer(Promise.resolve(undefined))], INFO)).toBeUndefined();
  });

  it('gives every record to every observer, in order, even when one of them throws in each', () => {
    const log: string[] = [];
    const joined = startObservation(
      [observer(logged('a', log, { throwing: true })), observer(logged('b', log))],
      INFO,
    );
    expect(() => drive(joined as RunObservation)).not.toThrow();
    expect(log.filter((line) => line.startsWith('b '))).toEqual([
      'b retry',
      'b first-chunk',
      'b model-end',
      'b tool-end',
      'b step-end',
      'b end',
    ]);
    expect(log.filter((line) => line.startsWith('a '))).toHaveLength(6);
  });

  it('gives events only to the observers that read them, and none is built when nobody does', () => {
    const log: string[] = [];
    const none = startObservation([observer(logged('a', log)), observer(logged('b', log))], INFO);
    expect((none as RunObservation).event).toBeUndefined();
    const some = startObservation(
      [observer(logged('a', log)), observer(logged('b', log, { events: true }))],
      INFO,
    ) as RunObservation;
    some.event?.({} as never, 1);
    expect(log).toEqual(['b event']);
  });

  it('nests the observers’ wraps around a call, the first observer outermost', () => {
    const log: string[] = [];
    const joined = startObservation(
      [
        observer(logged('a', log, { wrap: true })),
        observer(logged('b', log)),
        observer(logged('c', log, { wrap: true })),
      ],
      INFO,
    ) as RunObservation;
    const call = joined.modelCall({} as never);
    expect(call.wrap?.(() => 'answer')).toBe('answer');
    expect(log).toEqual(['a wrap in', 'c wrap in', 'c wrap out', 'a wrap out']);
  });

  it('makes a call without a wrap when no observer has one', () => {
    const joined = startObservation([observer(logged('a', [])), observer(logged('b', []))], INFO);
    expect((joined as RunObservation).modelCall({} as never).wrap).toBeUndefined();
    expect((joined as RunObservation).toolCall({} as never).wrap).toBeUndefined();
  });

  it('answers a call whose observation could not be made with one that records nothing', () => {
    const broken: RunObservation = {
      ...logged('x', []),
      modelCall: () => {
        throw new Error('no span');
      },
      toolCall: () => {
        throw new Error('no span');
      },
    };
    const joined = startObservation([observer(broken)], INFO) as RunObservation;
    expect(drive(joined)).toBe('answer');
  });

  it('never lets a wrap that fails change the call: the call runs once, its own result or error kept', () => {
    const runs: string[] = [];
    const failingBefore: RunObservation = {
      ...logged('x', []),
      modelCall: () => ({
        wrap: () => {
          throw new Error('context manager broke');
        },
        retry() {},
        firstChunk() {},
        end() {},
      }),
    };
    const failingAfter: RunObservation = {
      ...logged('y', []),
      modelCall: () => ({
        wrap: <T>(fn: () => T): T => {
          fn();
          throw new Error('span end broke');
        },
        retry() {},
        firstChunk() {},
        end() {},
      }),
    };
    for (const observation of [failingBefore, failingAfter]) {
      const joined = startObservation([observer(observation)], INFO) as RunObservation;
      const wrap = joined.modelCall({} as never).wrap;
      expect(
        wrap?.(() => {
          runs.push('call');
          return 'answer';
        }),
      ).toBe('answer');
      expect(() =>
        wrap?.(() => {
          throw new Error('the model call failed');
        }),
      ).toThrow('the model call failed');
    }
    expect(runs).toEqual(['call', 'call']);
  });
});
