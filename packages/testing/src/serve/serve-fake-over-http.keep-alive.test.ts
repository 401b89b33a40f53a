import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const PATH = '/v1beta/models/gemini-2.5-flash:generateContent';
const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });

const agents: Agent[] = [];
const fakes: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** One POST on `agent`: the answer's status, whether it went on a reused socket, and the socket. */
function post(
  url: string,
  agent: Agent,
): Promise<{ status: number | undefined; reused: boolean; socket: Socket }> {
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const sent = request(
      `${url}${PATH}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
      },
      (response) => {
        response.resume();
        // The socket goes back to the agent at the answer's end (`response.socket` is then null).
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            reused: sent.reusedSocket,
            socket: socket as Socket,
          }),
        );
      },
    );
    sent.once('socket', (given) => {
      socket = given;
    });
    sent.on('error', reject);
    sent.end(BODY);
  });
}

// A client on a loaded machine reads an answer late and reuses the connection later still: a
// server that closes idle connections on its own timer may destroy one as the next request
// arrives on it (ECONNRESET). The fake leaves closing an idle connection to its client.
describe('the fake over HTTP keeps an idle connection open for its client', () => {
  it('serves the next request on a connection idle past Node’s keep-alive timeout (5 s, closed at 6 s)', async () => {
    const fake = createFakeGemini({ script: [turn.text('one'), turn.text('two')] });
    fakes.push(fake);
    const { url } = await fake.listen();
    // Node's agent keeps the socket as long as the server lets it (no timeout of its own).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);

    const first = await post(url, agent);
    expect(first.status).toBe(200);
    let closed = false;
    first.socket.once('close', () => {
      closed = true;
    });
    // Idle past Node's default: its server would have closed the connection at 6 s.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(closed).toBe(false);

    const second = await post(url, agent);
    expect(second).toMatchObject({ status: 200, reused: true });
    expect(second.socket).toBe(first.socket);
  });
});
