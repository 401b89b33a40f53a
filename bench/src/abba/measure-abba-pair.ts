import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { ChildChannel } from '../worker/child-channel.ts';
import type { ServerHandle } from '../worker/server-handle.ts';
import type { AbbaClientReply, AbbaClientRequest } from './abba-client-protocol.ts';
import type { AbbaMode, AbbaTransport } from './abba-options.ts';
import type { AbbaBlock } from './abba-stats.ts';

/** Options of {@link measureAbbaPair}. */
export type MeasureAbbaPairOptions = {
  /** The compiled `abba-client.mjs`. */
  clientEntry: string;
  server: ServerHandle;
  /** The builds' folders: A (the base, or the current tree in the A/A control) and B. */
  coreA: string;
  coreB: string;
  mode: AbbaMode;
  transport: AbbaTransport;
  blocks: number;
  runsPerLeg: number;
  warmupRuns: number;
  maxSteps: number;
  /** Which process is started (and warmed up) first; alternate it across pairs. */
  startBFirst: boolean;
  /** Names the pair's processes on the server, e.g. `ab-run-auto-1`. */
  label: string;
};

type Client = {
  name: string;
  request(request: AbbaClientRequest): Promise<AbbaClientReply>;
  kill(): void;
};

/** Warm-up runs are interleaved in slices of this many, so neither process idles for long. */
const WARMUP_SLICE = 50;

async function startClient(
  options: MeasureAbbaPairOptions,
  side: 'a' | 'b',
  coreDirectory: string,
): Promise<Client> {
  const name = `${options.label}-${side}`;
  const { channel, hello } = await ChildChannel.start<AbbaClientRequest, AbbaClientReply>({
    entry: options.clientEntry,
    execArgv: [],
    label: `abba client ${name}`,
  });
  const request = async (message: AbbaClientRequest): Promise<AbbaClientReply> => {
    const reply = await channel.request(message);
    if (reply.type === 'failed') throw new Error(`abba client ${name}: ${reply.message}`);
    return reply;
  };
  const client = { name, request, kill: () => channel.kill() };
  try {
    if (hello.type !== 'up') throw new Error(`abba client ${name} said ${JSON.stringify(hello)}`);
    await request({
      type: 'load',
      setup: {
        coreDirectory,
        mode: options.mode,
        transport: options.transport,
        baseUrl: contenderBaseUrl(options.server.url, name, 'seq5'),
        maxSteps: options.maxSteps,
      },
    });
  } catch (error) {
    client.kill();
    throw error;
  }
  return client;
}

async function sample(client: Client, runs: number): Promise<number> {
  const reply = await client.request({ type: 'sample', runs });
  if (reply.type !== 'sample') throw new Error(`abba client ${client.name} replied ${reply.type}`);
  return reply.cpuUsPerStep;
}

/**
 * One process pair: A and B each in a fresh process, warmed up in alternating slices, then
 * `blocks` ABBA blocks (A, B, B, A, each leg `runsPerLeg` runs), each process measuring its own
 * CPU. Both processes are ended before it returns, whatever happened. The server must have
 * accepted every request of both (it validates each and refuses a wrong one).
 */
export async function measureAbbaPair(options: MeasureAbbaPairOptions): Promise<AbbaBlock[]> {
  const started: Client[] = [];
  try {
    const order: ['a' | 'b', string][] = options.startBFirst
      ? [
          ['b', options.coreB],
          ['a', options.coreA],
        ]
      : [
          ['a', options.coreA],
          ['b', options.coreB],
        ];
    for (const [side, directory] of order)
      started.push(await startClient(options, side, directory));
    const a = started.find((client) => client.name.endsWith('-a'))!;
    const b = started.find((client) => client.name.endsWith('-b'))!;
    for (let done = 0; done < options.warmupRuns; done += WARMUP_SLICE) {
      const runs = Math.min(WARMUP_SLICE, options.warmupRuns - done);
      for (const client of started) await client.request({ type: 'warmup', runs });
    }
    const blocks: AbbaBlock[] = [];
    for (let block = 0; block < options.blocks; block++) {
      const a1 = await sample(a, options.runsPerLeg);
      const b1 = await sample(b, options.runsPerLeg);
      const b2 = await sample(b, options.runsPerLeg);
      const a2 = await sample(a, options.runsPerLeg);
      blocks.push({ a: [a1, a2], b: [b1, b2] });
    }
    const { contenders } = await options.server.stats();
    for (const client of started) {
      const counters = contenders[client.name];
      if (counters === undefined || counters.failures > 0) {
        throw new Error(
          `the scripted server ${counters === undefined ? 'saw no request' : `refused ${counters.failures} request(s)`} of ${client.name}: ${counters?.lastFailure ?? ''}`,
        );
      }
    }
    return blocks;
  } finally {
    for (const client of started) client.kill();
  }
}
