import type { Server } from 'node:net';
import { InvalidArgumentError } from '@gemloop/core';

/**
 * Starts `server` on `host`:`port` (0: any free port), for the examples that serve a page. A bad
 * `--port` or a port in use is an {@link InvalidArgumentError} that says what to do, which the
 * examples print in one line: `server.listen` threw a raw `RangeError` for `--port abc`, and a
 * port in use was an unhandled `'error'` event that crashed the process with a stack.
 */
export async function listen(
  server: Server,
  port: number | string,
  host = '127.0.0.1',
): Promise<void> {
  const number =
    typeof port === 'number' ? port : /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN;
  if (!Number.isInteger(number) || number < 0 || number > 65_535) {
    throw new InvalidArgumentError({
      argument: 'port',
      message: `--port must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(String(port))}.`,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new InvalidArgumentError({
              argument: 'port',
              message: `${host}:${number} ${error.code === 'EADDRINUSE' ? 'is in use (another copy of this example?)' : 'needs privileges this process lacks'}: stop what listens there, or pass another --port (0: any free port).`,
              cause: error,
            })
          : error,
      );
    };
    server.once('error', failed);
    server.listen(number, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
