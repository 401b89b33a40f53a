import { createServer } from 'node:net';

/** How many ports above a busy one are tried for a free one to suggest. */
const PORTS_TRIED = 10;

/**
 * The message for a server that could not listen: for a port in use (`EADDRINUSE`), says so and
 * suggests `--port 0` (any free port) and the next free port above it when one of the next ten
 * is free; for a port the user may not bind (`EACCES`), suggests one above 1023; else the error's
 * own message.
 */
export async function describeListenError(
  error: unknown,
  host: string,
  port: number,
): Promise<string> {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    const free = await findFreePort(host, port + 1);
    const next = free === undefined ? '' : ` or --port ${free} (free now)`;
    return `port ${port} on ${host} is already in use (EADDRINUSE: another gemloop fake or view, or another server). Use --port 0 for any free port${next}.`;
  }
  if (code === 'EACCES') {
    return `port ${port} on ${host} needs privileges to bind (EACCES). Use --port 0 for any free port, or a port above 1023.`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function findFreePort(host: string, from: number): Promise<number | undefined> {
  for (let port = from; port < from + PORTS_TRIED && port <= 65535; port++) {
    if (await isFree(host, port)) return port;
  }
  return undefined;
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
