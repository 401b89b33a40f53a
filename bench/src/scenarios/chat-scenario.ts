import type { ChatRow, ChatScenarioResult, ChatWindow } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import type { MeasuredWorker } from '../worker/measured-worker.ts';
import type { ChatResult, WorkerSetup } from '../worker/worker-protocol.ts';
import type { ScenarioContext } from './scenario-context.ts';

/** Turns per window of per-turn timings, ending at each checkpoint. */
const WINDOW_TURNS = 10;

/**
 * A chat that grows to many turns, the history kept by each contender (its chat layer, or the
 * messages array it documents). Each turn sends the whole history; the server checks every
 * replayed turn. Reported per window of turns: time and CPU per turn, and the heap each stored
 * turn adds (after a full GC, between checkpoints), which must stay flat as the history grows.

 */
export async function runChatScenario(context: ScenarioContext): Promise<ChatScenarioResult> {
  const { turns, warmupTurns, checkpoints } = context.settings.chat;
  const contenders = context.contenders.filter((entry) => entry.chat);
  context.log(`chat history: ${contenders.length} contenders, ${turns} turns each`);
  await context.server.reset();
  const rows: ChatRow[] = [];
  // One contender at a time: a chat is one long measurement, not a set of samples.
  for (const entry of contenders) {
    const setup: WorkerSetup = {
      task: 'chat',
      contender: entry.name,
      serverUrl: context.server.url,
      turns,
      warmupTurns,
      checkpoints,
    };
    const [worker] = (await context.workers.acquire([{ name: entry.name, setup }], 1)) as [
      MeasuredWorker,
    ];
    const result = await worker.measure<ChatResult>('chat');
    await context.workers.release([worker], [setup]);
    const counters = (await context.server.stats()).contenders[entry.name];
    if (worker.status === 'failed' && counters?.lastFailure !== undefined) {
      worker.message = `${worker.message}\nserver rejected a request: ${counters.lastFailure}`;
    }
    if (result !== undefined) {
      const expectedRequests = turns + warmupTurns;
      if (result.storedTurns !== turns) {
        worker.fail(`the chat says it stores ${result.storedTurns} turns after ${turns}`);
      } else if (
        counters?.failures !== 0 ||
        counters.finals !== expectedRequests ||
        counters.requests !== expectedRequests
      ) {
        worker.fail(
          `server counters do not match ${expectedRequests} chat turns: ${JSON.stringify(counters)}`,
        );
      }
    }
    rows.push(toRow(entry.name, entry.library, worker, result, checkpoints));
  }
  return {
    kind: 'chat',
    id: 'chat',
    title: `Chat history growing to ${turns} turns`,
    turns,
    rows,
  };
}

function toRow(
  name: string,
  library: string,
  worker: MeasuredWorker,
  result: ChatResult | undefined,
  checkpoints: readonly number[],
): ChatRow {
  if (worker.status !== 'ok' || result === undefined) {
    return {
      name,
      library,
      status: worker.status,
      message: worker.message,
      windows: [],
      bytesPerTurn: [],
    };
  }
  const windows: ChatWindow[] = checkpoints.map((checkpoint) => {
    const fromTurn = Math.max(1, checkpoint - WINDOW_TURNS + 1);
    return {
      fromTurn,
      toTurn: checkpoint,
      wallUs: spread(result.turnWallNs.slice(fromTurn - 1, checkpoint).map((ns) => ns / 1000)),
      cpuUs: spread(result.turnCpuUs.slice(fromTurn - 1, checkpoint)),
    };
  });
  return {
    name,
    library,
    status: 'ok',
    windows,
    // Marginal: heap added per turn since the previous checkpoint. Growth from the baseline would
    // mix in what the first turns warm up (compiled code, caches), which is not history.
    bytesPerTurn: result.heap.map(({ turn, heapBytes }, index) => {
      const previous =
        index === 0 ? { turn: 0, heapBytes: result.baselineHeapBytes } : result.heap[index - 1]!;
      return { turn, bytes: (heapBytes - previous.heapBytes) / (turn - previous.turn) };
    }),
    maxRssBytes: worker.maxRssBytes,
  };
}
