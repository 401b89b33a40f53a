import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { toNodeListener } from '../node/to-node-listener.ts';
import { DOOR_KEYS, serveAllDoors } from './__fixtures__/serve-all-doors.ts';
import { agentOnFake } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';

// attack-doors9: the Host allow-list (attack-doors8's) from the other side: spellings of a name
// and of a request a rebinding page cannot send but a raw client, a proxy or a cache can. Raw
// bytes on a socket, so nothing rewrites the request line or the headers.

type Raw = { status: number; head: string; body: string };

/** `lines` (request line and headers, no blank line) sent as they are; the answer read to its end. */
function rawRequest(base: string, lines: readonly string[]): Promise<Raw> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: split === -1 ? '' : text.slice(split + 4),
      });
    });
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

const AUTH = `Authorization: Bearer ${DOOR_KEYS.alice}`;

/** `GET target` over HTTP/1.1 with the given header lines and `Connection: close`. */
const get = (base: string, target: string, headers: readonly string[]) =>
  rawRequest(base, [`GET ${target} HTTP/1.1`, ...headers, AUTH, 'Connection: close']);

describe('the Host allow-list, spelled otherwise', () => {
  it('answers loopback spellings and IP literals a URL normalises (127.1, 0x7f.1, 2130706433, trailing dot, upper case)', async () => {
    const { base } = await serveAllDoors();
    const port = new URL(base).port;
    for (const host of [
      'localhost.',
      'LOCALHOST',
      `Localhost.:${port}`,
      '127.1',
      '0x7f.1',
      '2130706433',
      `0177.0.0.1:${port}`,
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
    ]) {
      const answer = await get(base, '/v1/models', [`Host: ${host}`]);
      expect(answer.status, host).toBe(200);
      expect(answer.body, host).toContain('support');
    }
  });

  it('refuses names that only look local, and an IPv6 zone id no URL reads, naming no raw header', async () => {
    const { base, fake } = await serveAllDoors();
    for (const host of [
      'localhost.evil.example',
      'evil.example.localhost.evil.example',
      '127.0.0.1.nip.io',
      '0x7f.evil',
      'localhost..',
      '[fe80::1%25eth0]',
      '[fe80::1%eth0]',
      'xn--localhost-',
    ]) {
      const answer = await get(base, '/v1/models', [`Host: ${host}`]);
      expect(answer.status, host).toBe(403);
      expect(answer.body, host).toContain('allowedHosts');
      expect(answer.body, host).not.toContain('support');
      expect(answer.body, host).not.toContain('%');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('reads Host, never X-Forwarded-Host or Forwarded, either way round', async () => {
    const { base } = await serveAllDoors();
    const forged = await get(base, '/v1/models', [
      'Host: evil.example',
      'X-Forwarded-Host: localhost',
      'Forwarded: host=localhost',
    ]);
    expect(forged.status).toBe(403);
    const local = await get(base, '/v1/models', [
      'Host: localhost',
      'X-Forwarded-Host: evil.example',
    ]);
    expect(local.status).toBe(200);
  });

  it('refuses a request with two Host headers (RFC 9112 section 3.2: 400), whichever comes first', async () => {
    const { base, fake } = await serveAllDoors();
    for (const pair of [
      ['Host: localhost', 'Host: evil.example'],
      ['Host: evil.example', 'Host: localhost'],
    ]) {
      const answer = await get(base, '/v1/models', pair);
      expect(answer.status, pair.join(' / ')).toBe(400);
      expect(answer.body).not.toContain('support');
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('answers HTTP/1.0 without Host as localhost (no browser sends it), and HTTP/1.1 without Host is 400', async () => {
    const { base } = await serveAllDoors();
    const old = await rawRequest(base, ['GET /v1/models HTTP/1.0', AUTH]);
    expect(old.status).toBe(200);
    expect(old.body).toContain('support');
    const missing = await rawRequest(base, ['GET /v1/models HTTP/1.1', AUTH, 'Connection: close']);
    expect(missing.status).toBe(400);
    expect(missing.body).not.toContain('support');
  });

  it('checks the host of an absolute-form target, which replaces Host (RFC 9112 section 3.2.2)', async () => {
    const { base, fake } = await serveAllDoors();
    const port = new URL(base).port;
    // The door would act on the target's host: the A2A card wrote it as its own address.
    for (const target of [
      'http://evil.example/v1/models',
      `http://evil.example:${port}/a2a/.well-known/agent-card.json`,
      'http://evil.example/mcp',
    ]) {
      const answer = await get(base, target, [`Host: localhost:${port}`]);
      expect(answer.status, target).toBe(403);
      expect(answer.body, target).toContain('allowedHosts');
      expect(answer.body, target).not.toContain('support');
    }
    // The same form naming a local host is answered, and the card names that host.
    const card = await get(base, `http://127.0.0.1:${port}/a2a/.well-known/agent-card.json`, [
      `Host: localhost:${port}`,
    ]);
    expect(card.status).toBe(200);
    expect(card.body).toContain(`http://127.0.0.1:${port}/a2a/`);
    expect(card.body).not.toContain('evil');
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the doors on a user's own Node server bound to every address", () => {
  /** `mountDoors` behind a listener of the user's (its own /health first), on `bindTo`. */
  async function ownServer(bindTo: string) {
    const { agent } = agentOnFake([]);
    const doors = mountDoors({
      authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
      openai: { agents: { support: agent } },
      handlers: { '/mine': async () => new Response('mine') },
    });
    const listener = toNodeListener(doors.handler);
    const server = createServer((incoming, outgoing) => {
      if (incoming.url === '/health') outgoing.end('ok');
      else listener(incoming, outgoing);
    });
    await new Promise<void>((resolve) => server.listen(0, bindTo, resolve));
    onTestFinished(async () => {
      await doors.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('refuses a rebound name reached over loopback on 0.0.0.0 and on :: (an IPv4-mapped address), for the doors and handlers of yours', async () => {
    for (const bindTo of ['0.0.0.0', '::']) {
      const base = await ownServer(bindTo);
      for (const path of ['/v1/models', '/mine', '/nothing']) {
        const answer = await get(base, path, ['Host: evil.example']);
        expect(answer.status, `${bindTo} ${path}`).toBe(403);
        expect(answer.body).not.toMatch(/support|mine/);
      }
      const own = await get(base, '/v1/models', ['Host: localhost']);
      expect(own.status, bindTo).toBe(200);
      expect((await get(base, '/mine', ['Host: localhost'])).body).toContain('mine');
    }
  });
});

describe("a server on 0.0.0.0 reached on its LAN address (the docs' advice)", () => {
  const models = (host: string) =>
    new Request(`http://${host}/v1/models`, {
      headers: { host, authorization: `Bearer ${DOOR_KEYS.alice}` },
    });
  const handler = (allowedHosts?: readonly string[]) => {
    const { agent } = agentOnFake([]);
    return mountDoors({
      authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
      openai: { agents: { support: agent } },
      ...(allowedHosts === undefined ? {} : { allowedHosts }),
    }).handler;
  };
  const lan = { localAddress: '192.168.1.5' };

  it('answers a rebound name there by default (a public or cluster door keeps its names), refuses it with a list', async () => {
    expect((await handler()(models('evil.example'), lan)).status).toBe(200);
    const listed = handler(['localhost']);
    expect((await listed(models('evil.example'), lan)).status).toBe(403);
    expect((await listed(models('192.168.1.5:8080'), lan)).status).toBe(200);
    expect((await listed(models('localhost:8080'), { localAddress: '127.0.0.1' })).status).toBe(
      200,
    );
  });
});
