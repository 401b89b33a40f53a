import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerApproval } from './answer-approval.ts';

// A hostile (or broken) server answers an approval with a 2xx, or a 404, whose body never ends.
// The answer's promise resolves on the status, so the page never reads that body: left unread, it
// held the connection (one of the browser's six to that host) for as long as the server kept it
// (leftovers55). Real loopback server, Node's own fetch.

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server answering `status` with a body it writes every 20 ms, forever; resolves its `close`. */
async function endlessAnswer(status: number): Promise<{ url: string; closed: Promise<number> }> {
  let resolveClosed: (writes: number) => void = () => {};
  const closed = new Promise<number>((resolve) => {
    resolveClosed = resolve;
  });
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(status, { 'content-type': 'text/plain' });
    let writes = 0;
    const timer = setInterval(() => {
      writes += 1;
      response.write('x'.repeat(1024));
    }, 20);
    response.on('close', () => {
      clearInterval(timer);
      resolveClosed(writes);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/approvals`, closed };
}

describe('an answer whose body never ends', () => {
  for (const [status, taken] of [
    [200, true],
    [202, true],
    [404, false],
  ] as const) {
    it(`${status}: resolves ${taken} and lets go of the connection`, async () => {
      const { url, closed } = await endlessAnswer(status);
      await expect(answerApproval(url, { approvalId: 'a', decision: 'approve' })).resolves.toBe(
        taken,
      );
      // Hang guard only: the body is cancelled at once, so the server sees its close at once.
      const writes = await Promise.race([
        closed,
        new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3000)),
      ]);
      expect(writes).not.toBe('held');
    });
  }
});
