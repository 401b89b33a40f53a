/**
 * Entry of the server's own process (forked by the orchestrator). The server runs apart from the
 * contenders so that its CPU time never lands in a contender's `process.cpuUsage()`, and on a
 * 2-core machine it gets the other core instead of sharing the client's event loop.
 */
import { startScriptedServer } from './scripted-server.ts';

/** Messages the orchestrator sends to the server process. */
export type ServerRequest = { type: 'stats' } | { type: 'reset' } | { type: 'close' };

/** Messages the server process sends back. */
export type ServerReply =
  | { type: 'listening'; url: string }
  | { type: 'stats'; stats: ReturnType<Awaited<ReturnType<typeof startScriptedServer>>['stats']> }
  | { type: 'reset' };

const send = (message: ServerReply): void => {
  process.send?.(message);
};

const server = await startScriptedServer();
process.on('message', (message: ServerRequest) => {
  if (message.type === 'stats') send({ type: 'stats', stats: server.stats() });
  else if (message.type === 'reset') {
    server.reset();
    send({ type: 'reset' });
  } else if (message.type === 'close') {
    void server.close().then(() => process.exit(0));
  }
});
// The orchestrator going away must not leave the server behind.
process.on('disconnect', () => process.exit(0));
send({ type: 'listening', url: server.url });
