import { describe, expect, it } from 'vitest';
import type { TestProject } from 'vitest/node';
import { firstThenTogether, type GlobalSetup, startTogether } from '../scripts/start-together.ts';

// The run's one global setup (scripts/shared-fixtures-setup.ts): the TMPDIR first, then the
// shared fixtures side by side, and nothing they started left behind when one of them fails.

const project = {} as TestProject;

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** A setup that logs its start, waits for `release`, and returns a teardown that logs. */
function waiting(name: string, events: string[], release: Promise<void>): GlobalSetup {
  return async () => {
    events.push(`start ${name}`);
    await release;
    events.push(`started ${name}`);
    return () => {
      events.push(`stop ${name}`);
    };
  };
}

describe('startTogether', () => {
  it('starts every setup before any has finished, and stops every one that started', async () => {
    const events: string[] = [];
    const release = deferred();
    const starting = startTogether(project, [
      waiting('postgres', events, release.promise),
      waiting('chromium', events, release.promise),
      () => undefined,
    ]);
    // One after another, the second would not have begun while the first waits.
    expect(events).toEqual(['start postgres', 'start chromium']);
    release.resolve();
    const stop = await starting;
    expect(events.slice(2)).toEqual(['started postgres', 'started chromium']);
    await stop();
    expect(events.slice(4).sort()).toEqual(['stop chromium', 'stop postgres']);
  });

  it('when one fails, waits for the others, stops those that started and throws its error', async () => {
    const events: string[] = [];
    const browserUp = deferred();
    const failure = new Error('initdb failed');
    const starting = startTogether(project, [
      async () => {
        await browserUp.promise;
        throw failure;
      },
      async () => {
        events.push('browser launched');
        browserUp.resolve();
        return async () => {
          events.push('browser closed');
        };
      },
    ]);
    await expect(starting).rejects.toBe(failure);
    expect(events).toEqual(['browser launched', 'browser closed']);
  });

  it("runs every teardown when one throws, and throws that teardown's error", async () => {
    const events: string[] = [];
    const refused = new Error('the server would not stop');
    const stop = await startTogether(project, [
      () => () => {
        throw refused;
      },
      () => async () => {
        events.push('browser closed');
      },
    ]);
    await expect(stop()).rejects.toBe(refused);
    expect(events).toEqual(['browser closed']);
  });
});

describe('firstThenTogether', () => {
  it('runs the first setup before the others start, and undoes it after they all stopped', async () => {
    const events: string[] = [];
    const release = deferred();
    const setup = firstThenTogether(() => {
      events.push('scratch made');
      return () => {
        events.push('scratch removed');
      };
    }, [
      waiting('postgres', events, release.promise),
      waiting('chromium', events, release.promise),
    ]);
    const starting = setup(project);
    release.resolve();
    const teardown = await starting;
    expect(events).toEqual([
      'scratch made',
      'start postgres',
      'start chromium',
      'started postgres',
      'started chromium',
    ]);
    await teardown();
    expect(events.slice(5, 7).sort()).toEqual(['stop chromium', 'stop postgres']);
    expect(events.slice(7)).toEqual(['scratch removed']);
  });

  it('undoes the first setup when another fails to start, and when a teardown throws', async () => {
    const events: string[] = [];
    const first: GlobalSetup = () => () => {
      events.push('scratch removed');
    };
    const failure = new Error('Chromium would not start');
    await expect(
      firstThenTogether(first, [
        () => {
          throw failure;
        },
      ])(project),
    ).rejects.toBe(failure);
    expect(events).toEqual(['scratch removed']);

    const refused = new Error('the server would not stop');
    const teardown = await firstThenTogether(first, [
      () => () => {
        throw refused;
      },
    ])(project);
    await expect(teardown()).rejects.toBe(refused);
    expect(events).toEqual(['scratch removed', 'scratch removed']);
  });
});
