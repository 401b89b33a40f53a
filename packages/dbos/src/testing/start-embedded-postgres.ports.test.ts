import { describe, expect, it } from 'vitest';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import { startOnFreePort } from './start-embedded-postgres.ts';

/** A server start that fails as Postgres does when its port was taken, for the ports in `taken`. */
function fakeStart(taken: ReadonlySet<number>, output: string[]) {
  const tried: number[] = [];
  const start = async (port: number): Promise<{ port: number }> => {
    tried.push(port);
    if (taken.has(port)) {
      output.push('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use');
      output.push(`HINT:  Is another postmaster already running on port ${port}?`);
      throw new EmbeddedPostgresError({ message: 'Postgres exited', output });
    }
    return { port };
  };
  return { start, tried };
}

function chooser(ports: number[]): () => Promise<number> {
  const left = [...ports];
  return async () => {
    const next = left.shift();
    if (next === undefined) throw new Error('no port left to choose');
    return next;
  };
}

describe('startOnFreePort', () => {
  it('chooses another port when the one it chose was taken before Postgres bound it', async () => {
    const output: string[] = [];
    const { start, tried } = fakeStart(new Set([46797]), output);
    const server = await startOnFreePort({
      given: undefined,
      choose: chooser([46797, 51234]),
      start,
      output: () => output,
    });
    expect(server).toEqual({ port: 51234 });
    expect(tried).toEqual([46797, 51234]);
  });

  it('never changes a port the caller gave: the error says it is in use', async () => {
    const output: string[] = [];
    const { start, tried } = fakeStart(new Set([5432]), output);
    await expect(
      startOnFreePort({ given: 5432, choose: chooser([6000]), start, output: () => output }),
    ).rejects.toThrow(EmbeddedPostgresError);
    expect(tried).toEqual([5432]);
  });

  it('gives up after three taken ports, with the last error', async () => {
    const output: string[] = [];
    const { start, tried } = fakeStart(new Set([1, 2, 3, 4]), output);
    await expect(
      startOnFreePort({
        given: undefined,
        choose: chooser([1, 2, 3, 4]),
        start,
        output: () => output,
      }),
    ).rejects.toThrow('Postgres exited');
    expect(tried).toEqual([1, 2, 3]);
  });

  it('does not choose again when the server failed for another reason', async () => {
    const output: string[] = [];
    const tried: number[] = [];
    const start = async (port: number): Promise<never> => {
      tried.push(port);
      output.push('FATAL:  data directory "/tmp/x" has invalid permissions');
      throw new EmbeddedPostgresError({ message: 'Postgres exited', output });
    };
    await expect(
      startOnFreePort({ given: undefined, choose: chooser([7, 8]), start, output: () => output }),
    ).rejects.toThrow('Postgres exited');
    expect(tried).toEqual([7]);
  });
});
