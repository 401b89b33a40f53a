import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runExclusive } from './run-exclusive.ts';

describe('runExclusive', () => {
  it('runs the tasks of one key one at a time, in call order, whatever their outcome', async () => {
    const owner = {};
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await sleep(ms);
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };

    const results = await Promise.allSettled([
      runExclusive(owner, 'k', task('a', 30)),
      runExclusive(owner, 'k', task('b', 5, true)),
      runExclusive(owner, 'k', task('c', 1)),
    ]);

    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs other keys and other owners in parallel', async () => {
    const owner = {};
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await sleep(10);
      log.push(`end ${name}`);
    };

    await Promise.all([
      runExclusive(owner, 'a', task('a')),
      runExclusive(owner, 'b', task('b')),
      runExclusive({}, 'a', task('other owner')),
    ]);

    expect(log.slice(0, 3).sort()).toEqual(['start a', 'start b', 'start other owner']);
  });

  it('drops a waiting task whose signal aborts, and the queue goes on without it', async () => {
    const owner = {};
    const ran: string[] = [];
    const controller = new AbortController();
    let release!: () => void;
    const first = runExclusive(owner, 'k', async () => {
      ran.push('first');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const dropped = runExclusive(
      owner,
      'k',
      async () => {
        ran.push('dropped');
      },
      { signal: controller.signal, onAbort: () => new Error('aborted while waiting') },
    );
    const third = runExclusive(owner, 'k', async () => {
      ran.push('third');
    });

    controller.abort();
    await expect(dropped).rejects.toThrow('aborted while waiting');
    expect(ran).toEqual(['first']);
    release();
    await Promise.all([first, third]);
    expect(ran).toEqual(['first', 'third']);
  });

  it('rejects at once with the signal’s reason when it is already aborted', async () => {
    const reason = new Error('already');
    let ran = false;

    const result = runExclusive(
      {},
      'k',
      async () => {
        ran = true;
      },
      { signal: AbortSignal.abort(reason) },
    );

    await expect(result).rejects.toBe(reason);
    await sleep(1);
    expect(ran).toBe(false);
  });
  it('settles a task that stopped waiting at once, and holds the queue until what it held settles', async () => {
    const owner = {};
    const log: string[] = [];
    let settle!: () => void;
    const hung = new Promise<void>((resolve) => {
      settle = resolve;
    });

    const first = runExclusive(owner, 'k', async (hold) => {
      hold(hung.then(() => log.push('held call settled')));
      throw new Error('gave up waiting');
    });
    const second = runExclusive(owner, 'k', async () => {
      log.push('second');
    });

    await expect(first).rejects.toThrow('gave up waiting');
    await sleep(5);
    expect(log).toEqual([]);
    settle();
    await second;
    expect(log).toEqual(['held call settled', 'second']);
  });
});
