import type { ServerStats } from '../server/scripted-server.ts';
import type { ServerReply, ServerRequest } from '../server/server-process.ts';
import { ChildChannel } from './child-channel.ts';

/** The scripted server's process, seen from the orchestrator. */
export type ServerHandle = {
  url: string;
  stats(): Promise<ServerStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
};

/** Forks the scripted server in its own process and waits until it listens. */
export async function startServerProcess(entry: string): Promise<ServerHandle> {
  const { channel, hello } = await ChildChannel.start<ServerRequest, ServerReply>({
    entry,
    execArgv: [],
    label: 'the scripted server',
  });
  if (hello.type !== 'listening')
    throw new Error(`the scripted server said ${JSON.stringify(hello)}`);
  return {
    url: hello.url,
    stats: async () => {
      const reply = await channel.request({ type: 'stats' });
      if (reply.type !== 'stats') throw new Error(`unexpected server reply ${reply.type}`);
      return reply.stats;
    },
    reset: async () => {
      await channel.request({ type: 'reset' });
    },
    close: async () => {
      channel.kill();
    },
  };
}
