import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FetchHandler, toNodeListener } from './to-node-listener.ts';

// A request body of tiny chunks. Node's parser calls back once per chunk of a chunked body, and
// the adapter handed each on as a chunk of its own: a 1 MiB body sent as 1-byte chunks (6 MiB
// on the wire) was 1,048,576 chunks, and a door reading it to its 1 MiB limit held 225 MB of
// heap (518 MB RSS, measured with the door's own bounded read). The count of chunks is what
// these tests hold: deterministic, where memory is not.

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A handler that reads the body chunk by chunk: what it got, and in how many chunks. */
async function serveCounting() {
  const read: { chunks: number; bytes: Uint8Array[] } = { chunks: 0, bytes: [] };
  let onChunk: () => void = () => {};
  const handler: FetchHandler = async (request) => {
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      read.chunks += 1;
      read.bytes.push(value.slice());
      onChunk();
    }
    return new Response(String(read.chunks));
  };
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const received = () => Buffer.concat(read.bytes);
  /** Resolves once the handler has read `size` bytes. */
  const hasRead = (size: number) =>
    new Promise<void>((resolve) => {
      onChunk = () => {
        if (received().length >= size) resolve();
      };
      onChunk();
    });
  return { port, read, received, hasRead };
}

/** A socket that has sent the head of a chunked POST; the answer's status line when it comes. */
async function chunkedPost(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /x HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n');
  let answer = '';
  const answered = new Promise<string>((resolve) => {
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) resolve(answer);
    });
  });
  const write = async (data: Buffer | string) => {
    if (!socket.write(data)) await new Promise((resolve) => socket.once('drain', resolve));
  };
  return { write, answered };
}

/** `body` framed as chunks of one byte each. */
function oneByteChunks(body: Buffer): Buffer {
  const framed = Buffer.alloc(body.length * 6);
  for (let index = 0; index < body.length; index++) {
    framed.write('1\r\n', index * 6, 'latin1');
    framed[index * 6 + 3] = body[index] as number;
    framed.write('\r\n', index * 6 + 4, 'latin1');
  }
  return framed;
}

describe('toNodeListener and a body of tiny chunks', () => {
  it('a 256 KiB body of 1-byte chunks reaches the handler whole, in order, as few chunks', async () => {
    const { port, read, received } = await serveCounting();
    // Every byte value, multi-byte UTF-8 split across chunks among them.
    const body = Buffer.alloc(256 * 1024);
    for (let index = 0; index < body.length; index++)
      body[index] = (index * 7 + (index >> 8)) & 255;
    const { write, answered } = await chunkedPost(port);
    const framed = oneByteChunks(body);
    for (let offset = 0; offset < framed.length; offset += 60_000) {
      await write(framed.subarray(offset, offset + 60_000));
    }
    await write('0\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    expect(received().equals(body)).toBe(true);
    // At most two chunks a read of the socket (the first bytes at once, the rest gathered):
    // a few dozen here. Before: 262,144.
    expect(read.chunks).toBeLessThan(body.length / 100);
  });

  it('bytes that trickle in still reach the handler as they come, not held back for more', async () => {
    const { port, received, hasRead } = await serveCounting();
    const { write, answered } = await chunkedPost(port);
    await write(oneByteChunks(Buffer.from('{"a":')));
    await hasRead(5);
    expect(received().toString()).toBe('{"a":');
    await write('1\r\n1\r\n');
    await hasRead(6);
    await write('1\r\n}\r\n0\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);
    expect(received().toString()).toBe('{"a":1}');
  });
});
