import { connect } from 'node:net';

/**
 * A client that reads only once its whole request is sent: a raw socket, paused until every one of
 * `parts` (the request's head, then its body as written on the wire) is written or the write
 * failed. Resolves with the status line it read, or its error's code when it read nothing (a reset
 * that erased the answer). The fake's 413 and the doors' early answers are both proven with it, so
 * it sits here, below serve, where both packages' tests reach it.
 */
export function sendThenRead(
  to: { host: string; port: number },
  parts: readonly (string | Buffer)[],
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(to.port, to.host);
    socket.pause();
    let read = '';
    let failed: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      read += chunk.toString('latin1');
    });
    socket.on('error', (error) => {
      failed ??= (error as { code?: string }).code ?? 'error';
    });
    socket.on('close', () =>
      resolve(read.length > 0 ? (read.split('\r\n')[0] as string) : `${failed}`),
    );
    parts.forEach((part, index) => {
      if (index < parts.length - 1) socket.write(part);
      else socket.write(part, () => socket.resume());
    });
  });
}
