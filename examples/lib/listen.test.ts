import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatError } from './format-error.ts';
import { listen } from './listen.ts';
import { createStyle } from './style.ts';

const plain = createStyle({ stream: { isTTY: false }, env: {} });
const servers: Server[] = [];
const server = (): Server => {
  const created = createServer();
  servers.push(created);
  return created;
};

afterEach(async () => {
  await Promise.all(servers.splice(0).map((each) => new Promise((resolve) => each.close(resolve))));
});

describe('listen (the examples that serve a page)', () => {
  it('says a port is in use in one line, with what to do (it was a crash with a stack)', async () => {
    const taken = server();
    await listen(taken, 0);
    const { port } = taken.address() as { port: number };
    const error = await listen(server(), String(port)).catch((reason: unknown) => reason);
    expect(formatError(error, plain)).toBe(
      `Invalid port: 127.0.0.1:${port} is in use (another copy of this example?): stop what listens there, or pass another --port (0: any free port).`,
    );
  });

  it('refuses a --port that is not a port, naming the flag', async () => {
    for (const port of ['abc', '-1', '70000', '1e3', '']) {
      const error = await listen(server(), port).catch((reason: unknown) => reason);
      expect(formatError(error, plain), port).toMatch(
        /^Invalid port: --port must be a whole number/,
      );
    }
  });
});
