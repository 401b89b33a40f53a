// A fleet worker for the tests: one process, one DBOS executor. Configured by environment
// variables (a test fixture, not library code). Every tool execution is appended to COUNTER_FILE
// as `<event> <tool> <runId>`, so a test counts executions across processes and kills.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { getHeapCodeStatistics } from 'node:v8';
import { type Agent, createAgent, createGemini, defineTool, fileSearch, googleSearch } from '@gemloop/core';
import { compaction, readToolOutputTool, toolOutput } from '@gemloop/core/compaction';
import { handoff, subagent } from '@gemloop/core/composition';
import { interactionsApi } from '@gemloop/core/interactions';
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { z } from 'zod';
import { skills } from '@gemloop/tools';
import { startDurableWorkerWith } from '../durable/worker/start-durable-worker.ts';
import { createPostgresArtifactStore, createPostgresBudgetPool, durableContext } from '../index.ts';
import { guardrails } from '@gemloop/core/guardrails';
import { loopGuard } from '@gemloop/core/loop-guard';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { type BudgetPool, reserveBudget } from '@gemloop/core/budget';
import { modelFallback } from '@gemloop/core/fallback';
import { definePlugin, type ModelCallInput, type PluginRun } from '@gemloop/core/plugins';
import { DelegatedFailure } from '@gemloop/core/internal';
import { createMemory, geminiEmbed, memoryPlugin } from '@gemloop/core/memory';
import { createPostgresMemoryStore } from '../memory/create-postgres-memory-store.ts';

const env = process.env;
const counterFile = env['COUNTER_FILE'] as string;
const slowMs = Number(env['SLOW_MS'] ?? '1500');
const record = (line: string): void => appendFileSync(counterFile, `${line}\n`);
/**
 * HOLD_DIR: while a file named after the run id exists there, the slow tool of that run waits for
 * it to go instead of for SLOW_MS. A crash test holds the tool until it has killed the worker, so
 * the tool cannot finish first on a busy machine (a timer raced the kill); it lets go after.
 */
const holdDirectory = env['HOLD_DIR'];
// Named after the top run: a child workflow's key starts `<topRunId>/<step>.<index>:...`.
// A file named `all` holds every run's (a test that learns the run id only once the run started).
const held = (key: string): boolean =>
  holdDirectory !== undefined &&
  (existsSync(`${holdDirectory}/${(key.split('/')[0] as string).split(':')[0]}`) ||
    existsSync(`${holdDirectory}/all`));

/**
 * HOLD_PARK: a run of this worker that waits on a webhook is held between its wait's step and its
 * park while HOLD_DIR holds `park-<EXECUTOR_ID>` (`held park <EXECUTOR_ID> <interaction>` recorded
 * once held): the park's hold of the interaction's lock, the first one a run's execution takes
 * outside a step (the wait's own record is a step; a replay skips it), waits before it is sent.
 * The worker's own code has no hold point there; a test freezes the worker at it and lets
 * another take the run over (the stale park's tests in fleet/cancel-takeover.test.ts).
 */
function holdPark(): void {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  const hold = `${holdDirectory}/park-${env['EXECUTOR_ID']}`;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
    const [text, values] = args;
    if (
      typeof text !== 'string' ||
      !text.includes("'gemloop.interaction:'") ||
      !Array.isArray(values) ||
      !DBOS.isWithinWorkflow() ||
      DBOS.isInStep() ||
      !existsSync(hold)
    )
      return query.apply(this, args);
    record(`held park ${env['EXECUTOR_ID']} ${String(values[0])}`);
    return new Promise<void>((resolve) => {
      // Held: look again in 20 ms (a file the test removes, as the slow tool's hold).
      const look = (): void => {
        if (existsSync(hold)) setTimeout(look, 20);
        else resolve();
      };
      look();
    }).then(() => query.apply(this, args));
  } as never;
}
if (env['HOLD_PARK'] !== undefined) holdPark();

// SEND_LOG: the transport (an injected fetch) appends the time it sends each request, for the
// rate-limit tests; RETRIES: retries of a failed attempt (each one a request the limit counts).
const sendLog = env['SEND_LOG'];
const gemini = createGemini({
  apiKey: 'test-key',
  // Which worker sent each model call: the fake records the headers (`fake.requests`), so a test
  // that counts calls can say who made each one when the count is wrong.
  headers: { 'x-test-worker': env['EXECUTOR_ID'] ?? `pid-${process.pid}` },
  baseUrl: env['FAKE_URL'] as string,
  retry: { maxRetries: Number(env['RETRIES'] ?? '0'), initialDelayMs: 1 },
  ...(sendLog === undefined
    ? {}
    : {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          appendFileSync(sendLog, `${Date.now()}\n`);
          return globalThis.fetch(input, init);
        },
      }),
});

// The same fake behind Vertex's routes (agent-options-crash.test.ts): only Vertex streams a
// call's arguments in pieces.
const vertexGemini = createGemini({
  vertex: { project: 'durable-project', location: 'us-central1', getAccessToken: () => 'ya29.test' },
  baseUrl: env['FAKE_URL'] as string,
  retry: false,
});

// One skill built in memory (a folder read by loadSkills gives the same value).
const skillKit = skills({
  skills: [
    {
      name: 'order-desk',
      description: 'Answers where an order is.',
      body: 'Look the order up with lookup, then wait with slow, then answer in one line.',
      files: new Map([['references/tone.md', 'Say "shipped" plainly.']]),
    },
  ],
  agentTools: [],
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an order up.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    record(`start lookup ${key}`);
    record(`done lookup ${key}`);
    return { order, status: 'shipped' };
  },
});

/**
 * A tool that fails as `a2aAgent` of @gemloop/serve does when the remote task ended failed: it
 * throws core's `DelegatedFailure` with the words for the model (delegated-failure.test.ts).
 */
const askRemote = defineTool({
  name: 'ask_remote',
  description: 'Asks the remote support agent.',
  parameters: z.object({ question: z.string() }),
  execute: async (_args, context) => {
    record(`start ask_remote ${durableContext(context)?.idempotencyKey ?? 'none'}`);
    const told = 'The remote agent support failed the task: the ledger is closed';
    throw new DelegatedFailure(told, new Error(told), undefined, undefined, undefined);
  },
});

/**
 * The same failure from a custom tool that knows what its delegate spent (its own model calls):
 * the run counts that usage and cost, in a durable run as in process (delegated-failure.test.ts).
 */
const askSpender = defineTool({
  name: 'ask_remote',
  description: 'Asks the remote support agent.',
  parameters: z.object({ question: z.string() }),
  execute: async (_args, context) => {
    record(`start ask_spender ${durableContext(context)?.idempotencyKey ?? 'none'}`);
    const told = 'The remote agent support failed the task: the ledger is closed';
    throw new DelegatedFailure(told, new Error(told), DELEGATE_USAGE, DELEGATE_COST, undefined);
  },
});

/** What `askSpender`'s delegate spent. */
const DELEGATE_USAGE = {
  promptTokenCount: 1000,
  candidatesTokenCount: 200,
  thoughtsTokenCount: 0,
  toolUsePromptTokenCount: 0,
  cachedContentTokenCount: 0,
  totalTokenCount: 1200,
};
/** Its cost, as the tool priced it. */
const DELEGATE_COST = {
  currency: 'USD' as const,
  total: '0.0123',
  input: '0.0100',
  cachedInput: '0',
  output: '0.0023',
  thinking: '0',
};

/**
 * Waits `ms`, or while the run of `key` is held (HOLD_DIR: no timing in it, the test lets go when it
 * has killed the worker), until the signal aborts (a run cancelled while it runs), as a
 * well-behaved tool does. Resolves to whether the signal stopped it.
 */
function waitOrHold(key: string, ms: number, signal: AbortSignal, holdable = true): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: ReturnType<typeof setTimeout>;
    const wait = (): void => {
      // Held: look again in 20 ms.
      if (held(key)) timer = setTimeout(wait, 20);
      else resolve(false);
    };
    if (holdable && held(key)) wait();
    else timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** `pool`, each reservation's id recorded, then held while HOLD_DIR holds `budget-reserve`. */
function heldAfterReserve(pool: BudgetPool): BudgetPool {
  return {
    name: pool.name,
    async reserve(usd) {
      const hold = await pool.reserve(usd);
      record(`reserved ${hold.id}`);
      await waitOrHold('budget-reserve', 0, new AbortController().signal);
      return hold;
    },
    settle: (hold, actualUsd) => pool.settle(hold, actualUsd),
    read: () => pool.read(),
  };
}

/**
 * SLOW_AWAITS_STEER=1: a held slow tool, once let go, returns only after this worker has heard of a
 * steer (or any message: a plugin's `ops` too) to its run (`onSteerAnnounced`, the worker's own LISTEN). The worker reads a steer it has
 * not heard of at a later step (steer-announcements.ts): a test of a steer read at the step after
 * this tool must not race the notice's delivery on a loaded machine. A NOTIFY heard on a
 * connection of the fixture's own did race it (Postgres delivers to each listening connection
 * from its own backend): the answer went out without the steer once in about ten full runs. It
 * waits from before it records `start slow`, so a steer sent after that line counts; it gives up
 * after 90 s, a hang guard for a loaded machine (the test's own assertions then fail).
 */
const steersHeard = new Map<string, Set<() => void>>();
function awaitSteer(runId: string): { heard: Promise<void>; close: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiter = (): void => {};
  const heard = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 90_000);
    waiter = resolve;
  });
  const waiters = steersHeard.get(runId) ?? new Set();
  waiters.add(waiter);
  steersHeard.set(runId, waiters);
  return {
    heard,
    close: () => {
      clearTimeout(timer);
      waiters.delete(waiter);
      if (waiters.size === 0 && steersHeard.get(runId) === waiters) steersHeard.delete(runId);
    },
  };
}

const slow = defineTool({
  name: 'slow',
  description: 'Takes a while.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    const steer =
      env['SLOW_AWAITS_STEER'] === '1' && held(key)
        ? awaitSteer((key.split('/')[0] as string).split(':')[0] as string)
        : undefined;
    record(`start slow ${key}`);
    const stopped = await waitOrHold(key, slowMs, context.signal);
    if (steer !== undefined) {
      if (!stopped) await steer.heard;
      steer.close();
    }
    record(`${stopped ? 'stopped' : 'done'} slow ${key}`);
    return { order, refunded: false };
  },
});

// SLOW_SCHEMA=v2: a deploy that changed slow's parameters (`order` became a number, `orderId`)
// between a crash inside slow and the recovery (tool-set-change.attacks.test.ts).
const slowV2 = defineTool({
  name: 'slow',
  description: 'Takes a while.',
  parameters: z.object({ orderId: z.number() }),
  execute: async ({ orderId }, context) => {
    record(`start slow ${durableContext(context)?.idempotencyKey ?? 'none'}`);
    return { orderId, refunded: false };
  },
});

const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ order: z.string(), amount: z.number() }),
  execute: async ({ order, amount }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    record(`done refund ${key} ${order} ${amount}`);
    return { order, amount, refunded: true };
  },
});

// The calls of one turn (one agent step of one run) that have reached `meet`, by `<runId>:<step>`.
const meetings = new Map<string, { arrived: number; open: () => void; all: Promise<void> }>();
const meetTimeoutMs = Number(env['MEET_TIMEOUT_MS'] ?? '90000');

// Waits until `of` calls of its turn are running at once: a turn run one call at a time never
// gets there, and each call then fails after MEET_TIMEOUT_MS (a bound, not a hang).
const meet = defineTool({
  name: 'meet',
  description: 'Meets the other calls of its turn.',
  parameters: z.object({ n: z.number(), of: z.number() }),
  execute: async ({ n, of }, context) => {
    const durable = durableContext(context);
    const key = durable?.idempotencyKey ?? 'none';
    record(`start meet ${key}`);
    const place = `${durable?.runId}:${context.step}`;
    let meeting = meetings.get(place);
    if (meeting === undefined) {
      let open = (): void => {};
      const all = new Promise<void>((resolve) => {
        open = resolve;
      });
      meeting = { arrived: 0, open, all };
      meetings.set(place, meeting);
    }
    meeting.arrived++;
    if (meeting.arrived === of) meeting.open();
    let timer: NodeJS.Timeout | undefined;
    const met = await Promise.race([
      meeting.all.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), meetTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!met) throw new Error(`only ${meeting.arrived} of ${of} calls of the turn ran at once`);
    record(`done meet ${key}`);
    return { n, key };
  },
});

// Takes `ms` (abortable), and answers with its own number and key: a result handed to another
// call of the turn shows. A part with `ms` > 0 of a held run (HOLD_DIR) waits until let go instead.
const part = defineTool({
  name: 'part',
  description: 'One part of a job.',
  parameters: z.object({ n: z.number(), ms: z.number() }),
  execute: async ({ n, ms }, context) => {
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    record(`start part ${key}`);
    // A quick part of a held run is not held: the test waits for it to be recorded.
    const stopped = await waitOrHold(key, ms, context.signal, ms > 0);
    record(`${stopped ? 'stopped' : 'done'} part ${key}`);
    return { n, key };
  },
});

// Pages of about 2,000 tokens each, for the compacting agent (a summary every few steps).
const page = defineTool({
  name: 'page',
  description: 'Reads page n.',
  parameters: z.object({ n: z.number() }),
  execute: async ({ n }, context) => {
    record(`done page ${durableContext(context)?.idempotencyKey ?? 'none'}`);
    return { n, text: `FACT-${n}: code${n * 7}. ${'filler words '.repeat(600)}` };
  },
});

// A long document whose end the `toolOutput` budget of the `artifacts` agent cuts off, kept in
// Postgres; and `read_tool_output` on that store, which waits READ_MS after it starts (so a test
// can kill its worker then) and is counted with the id it reads.
const artifacts = createPostgresArtifactStore({ connectionString: env['DATABASE_URL'] as string });
const longDocument = defineTool({
  name: 'long_document',
  description: 'Reads the long document.',
  parameters: z.object({}),
  execute: async () => {
    record('done long_document');
    return { text: `${'intro words '.repeat(200)}THE-END-IS-KEPT-ASIDE` };
  },
});
const readBack = readToolOutputTool(artifacts);
const slowReadBack = defineTool({
  name: 'read_tool_output',
  description: readBack.description ?? '',
  parameters: z.object({ id: z.string(), offset: z.number().optional(), length: z.number().optional() }),
  execute: async (args, context) => {
    record(`start read ${args.id}`);
    // Held (HOLD_DIR) until the test has killed the worker, else READ_MS.
    const key = durableContext(context)?.idempotencyKey ?? 'none';
    if (held(key)) while (held(key)) await new Promise((resolve) => setTimeout(resolve, 20));
    else await new Promise((resolve) => setTimeout(resolve, Number(env['READ_MS'] ?? '0')));
    const { id, offset, length } = args;
    const value = await readBack.execute(
      { id, ...(offset === undefined ? {} : { offset }), ...(length === undefined ? {} : { length }) },
      context,
    );
    record(`done read ${args.id}`);
    return value;
  },
});

// The batch job's tool: a city's weather, each execution counted.
const getWeather = defineTool({
  name: 'get_weather',
  description: 'The weather of a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    record(`done get_weather ${city}`);
    return { city, sky: 'clear' };
  },
});

// The children of one parent run that have reached `meet_siblings`, by the top run's id (a child
// workflow's id starts with it): two subagents of a turn run one at a time never both get there.
const siblings = new Map<string, { arrived: number; open: () => void; all: Promise<void> }>();
const meetSiblings = defineTool({
  name: 'meet_siblings',
  description: 'Meets the other subagents of its parent turn.',
  parameters: z.object({ of: z.number() }),
  execute: async ({ of }, context) => {
    const durable = durableContext(context);
    const key = durable?.idempotencyKey ?? 'none';
    record(`start meet_siblings ${key}`);
    const place = (durable?.runId ?? 'none').split('/')[0] as string;
    let meeting = siblings.get(place);
    if (meeting === undefined) {
      let open = (): void => {};
      const all = new Promise<void>((resolve) => {
        open = resolve;
      });
      meeting = { arrived: 0, open, all };
      siblings.set(place, meeting);
    }
    meeting.arrived++;
    if (meeting.arrived === of) meeting.open();
    let timer: NodeJS.Timeout | undefined;
    const met = await Promise.race([
      meeting.all.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), meetTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!met) throw new Error(`only ${meeting.arrived} of ${of} subagents of the turn ran at once`);
    record(`done meet_siblings ${key}`);
    return { met: of };
  },
});

const model = env['MODEL'] ?? 'gemini-3-flash-preview';

// A subagent (its own model calls and tools) for the parent agent `team`: inside a durable run
// it is a child workflow.
const researcher = createAgent({
  gemini,
  model,
  instructions: 'CHILD: research one question.',
  tools: [lookup, slow, meetSiblings, refund],
});
const research = subagent(researcher, {
  name: 'research',
  description: 'Researches one question.',
});
// A subagent whose tool has a secret argument, for the agent `teamSecret` (child-workflows.test.ts).
const login = defineTool({
  name: 'login',
  description: 'Logs in.',
  parameters: z.object({ user: z.string(), password: z.string() }),
  secretArguments: ['password'],
  execute: ({ user }) => ({ user, loggedIn: true }),
});
const secretResearch = subagent(
  createAgent({ gemini, model, instructions: 'CHILD: log in, then research.', tools: [login] }),
  { name: 'research', description: 'Logs in and researches one question.' },
);
// A subagent whose plugin fails with a database driver's message (a password, an internal
// address), for the agent `teamLeak` (child-budget.test.ts, attack30).
const leakyResearch = subagent(
  createAgent({
    gemini,
    model,
    instructions: 'CHILD: research one question.',
    plugins: [
      definePlugin({
        name: 'vault',
        beforeModelCall: () => {
          throw new Error(
            'connect ECONNREFUSED 10.20.30.40:5432 (postgres://app:hunter2-child-driver@vault.internal/main)',
          );
        },
      }),
    ],
  }),
  { name: 'research', description: 'Researches one question.' },
);
// A subagent with a subagent of its own (two levels of child workflows), for the agent `deep`.
const manager = createAgent({
  gemini,
  model,
  instructions: 'MID: manage research.',
  tools: [research],
});
// The same manager holding a tool guardrail over its subagents' refunds, for the agent
// `deepGuarded`: the grandchild's refund meets it, as in-process (child-workflows.test.ts).
const guardedManager = createAgent({
  gemini,
  model,
  instructions: 'MID: manage research.',
  tools: [research],
  guardrails: guardrails({
    tools: [
      {
        name: 'no-refunds-below',
        tools: ['refund'],
        before: () => ({ type: 'deny', message: 'Refunds are not allowed below the manager.' }),
      },
    ],
  }),
});
// A guardrail check that runs its own agent, whose input check runs that agent again: a cycle the
// run depth limit ends (64 deep), in a durable run at the same depth as in process
// (durable-run.test.ts, its guardrail cycle test). The top durable run's check is recorded: DBOS
// runs its body after an await, where the run's depth was lost, and the cycle went one run deeper
// (leftovers54).
const cycleChecker: Agent<undefined> = createAgent({
  gemini,
  model,
  instructions: 'CHECKER: check it.',
  guardrails: guardrails({ input: [{ name: 'again', check: () => runChecker() }] }),
});
function runChecker(): Promise<undefined> {
  record('checker start');
  return cycleChecker.run('Again.').then(
    () => undefined,
    (error: unknown) => {
      record(`checker failed ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    },
  );
}

// A plugin whose beforeModelCall is not deterministic (a random note, as a memory recall or a
// clock read would be): `recorded`, so a replay gets the recorded contents instead of calling it
// again. Each real call is a counter line (crash-recovery.test.ts). Its afterToolCall marks every
// result, deterministic and not recorded.
const noted = definePlugin({
  name: 'noted',
  recorded: ['beforeModelCall'],
  beforeModelCall: (call, run) => {
    const first = run.contents[0]?.parts?.[0]?.text ?? '';
    record(`plugin before ${first} step ${call.stepNumber}`);
    run.emit('noted', { step: call.stepNumber });
    const note = { role: 'user' as const, parts: [{ text: `NOTE ${Math.random()}` }] };
    return { contents: [...call.contents, note] };
  },
  afterToolCall: ({ result }) => ({ result: { ...(result as object), marked: true } }),
});
// The `stamped` agent's plugins (hostile-durable-plugins.attacks.test.ts): STAMPS=a,b lists its
// recorded plugins `stamp-a`, `stamp-b` in that order (default `a,b`), each beforeModelCall adding a
// random note, so a test can deploy them reordered, added or removed between a crash and the
// recovery. `x` in the list is `drift`, the same hook NOT listed in `recorded` (a third party's
// mistake). Each real call is a counter line `stamp <name> <first text> step <n>`.
const stamp = (name: string, recorded: boolean) =>
  definePlugin({
    name: recorded ? `stamp-${name}` : 'drift',
    recorded: recorded ? ['beforeModelCall'] : [],
    beforeModelCall: (call, run) => {
      const first = run.contents[0]?.parts?.[0]?.text ?? '';
      record(`stamp ${name} ${first} step ${call.stepNumber}`);
      const note = { role: 'user' as const, parts: [{ text: `STAMP ${name} ${Math.random()}` }] };
      return { contents: [...call.contents, note] };
    },
  });
// `r` in the list is `reader`: a plugin whose beforeModelCall (not recorded) reads `ops` messages.
const reader = definePlugin({
  name: 'reader',
  beforeModelCall: async (call, run) => {
    const values = await run.receive('ops');
    record(`reader ${run.contents[0]?.parts?.[0]?.text ?? ''} step ${call.stepNumber} ${JSON.stringify(values)}`);
    return undefined;
  },
});
// `y` is `fragile`: a plugin (not recorded) whose beforeModelCall throws on a worker whose
// EXECUTOR_ID ends in `-new` only (a replay), its message holding a database URL and a key.
const fragile = definePlugin({
  name: 'fragile',
  beforeModelCall: () => {
    if (env['EXECUTOR_ID']?.endsWith('-new') === true)
      throw new Error(
        `replica lost: postgres://app:s3cret-pw@db.internal:5432/app key AIzaSyFRAGILE${'k'.repeat(28)}`,
      );
    return undefined;
  },
});
const stamps = (env['STAMPS'] ?? 'a,b')
  .split(',')
  .filter((name) => name !== '')
  .map((name) => (name === 'r' ? reader : name === 'y' ? fragile : stamp(name, name !== 'x')));
// A recorded hook that ignores run.signal and takes HOOK_MS (durable-plugin-hooks.cancel.test.ts):
// a cancelled run must not wait for it. Each start and end is a counter line, and so is the run's.
const slowVerdict = definePlugin({
  name: 'slow-verdict',
  recorded: ['beforeModelCall'],
  endRun: (run) => record(`verdict run ended ${run.contents[0]?.parts?.[0]?.text ?? ''}`),
  beforeModelCall: async (call, run) => {
    const first = run.contents[0]?.parts?.[0]?.text ?? '';
    record(`hook start ${first} step ${call.stepNumber}`);
    await new Promise((resolve) => setTimeout(resolve, Number(env['HOOK_MS'] ?? '60000')));
    record(`hook done ${first} step ${call.stepNumber}`);
  },
});
// A recorded afterAnswer that adds the next question itself (run.addInput) and runs again
// (recorded-add-input.test.ts): a replay does not call it, so the record carries what it added.
// Each real call is a counter line.
const followUp = definePlugin({
  name: 'follow-up',
  recorded: ['afterAnswer'],
  afterAnswer: async (answer, run) => {
    const first = run.contents[0]?.parts?.[0]?.text ?? '';
    record(`follow-up ${first} step ${answer.step.stepNumber}`);
    if (JSON.stringify(run.contents).includes('FOLLOW-UP')) return undefined;
    await run.addInput([{ role: 'user', parts: [{ text: `FOLLOW-UP ${Math.random()}: and order 8?` }] }]);
    return { type: 'run-again', contents: [] };
  },
});
// A request-level plugin (crash-recovery.test.ts): each request carries a seed it adds, and each
// pass through the wrapper is counted with the run's first user text.
const firstText = (input: ModelCallInput): string => {
  const { contents } = input.request;
  return typeof contents === 'string' ? contents : (contents[0]?.parts?.[0]?.text ?? '');
};
const seeded = (input: ModelCallInput): ModelCallInput => ({
  ...input,
  request: { ...input.request, generationConfig: { ...input.request.generationConfig, seed: 7 } },
});
const requested = definePlugin({
  name: 'requested',
  wrapModelRequest: (next) => ({
    generate: (input) => {
      record(`request ${firstText(input)}`);
      return next.generate(seeded(input));
    },
    stream: (input) => {
      record(`request ${firstText(input)}`);
      return next.stream(seeded(input));
    },
  }),
});
// The `hooked` agent's plugins (hostile-durable-plugins.attacks.test.ts): a recorded
// beforeModelCall that reports (`run.emit`) and then waits while HOLD_DIR holds `hook`, and a
// request wrapper that waits while it holds `request` before sending, so a test kills the worker
// inside a recorded hook, or between the hook's record and the model call. Counter lines:
// `hooked hook <first text> step <n>`, `hooked request <first text>`.
const holdWhile = (file: string): Promise<void> =>
  new Promise((resolve) => {
    const look = (): void => {
      if (holdDirectory !== undefined && existsSync(`${holdDirectory}/${file}`)) setTimeout(look, 20);
      else resolve();
    };
    look();
  });
const heldHook = definePlugin({
  name: 'held-hook',
  recorded: ['beforeModelCall'],
  beforeModelCall: async (call, run) => {
    const first = run.contents[0]?.parts?.[0]?.text ?? '';
    record(`hooked hook ${first} step ${call.stepNumber}`);
    run.emit('stamped', { step: call.stepNumber, by: env['EXECUTOR_ID'] });
    await holdWhile('hook');
    const note = { role: 'user' as const, parts: [{ text: `HOOKED ${env['EXECUTOR_ID']}` }] };
    return { contents: [...call.contents, note] };
  },
});
const heldRequest = definePlugin({
  name: 'held-request',
  wrapModelRequest: (next) => ({
    generate: async (input) => {
      record(`hooked request ${firstText(input)}`);
      await holdWhile('request');
      return next.generate(input);
    },
    // A durable run streams: the request is sent when the stream is first read, after the hold.
    stream: (input) => {
      const opened = next.stream(input);
      return {
        ...opened,
        stream: (async function* () {
          record(`hooked request ${firstText(input)}`);
          await holdWhile('request');
          yield* opened.stream;
        })(),
      };
    },
  }),
});
// The `inbox` agent's plugin (plugin-messages-crash.attacks.test.ts): a third party's operator
// channel whose beforeModelCall (not recorded: a read is itself a record) takes the messages sent
// on `ops` (`runs.send`) and adds them to that call's request. Counter line per read that found
// any: `ops <first text> step <n> <values as JSON>`.
const operator = definePlugin({
  name: 'operator',
  beforeModelCall: async (call, run) => {
    const values = await run.receive('ops');
    if (values.length === 0) return undefined;
    const first = run.contents[0]?.parts?.[0]?.text ?? '';
    record(`ops ${first} step ${call.stepNumber} ${JSON.stringify(values)}`);
    const note = { role: 'user' as const, parts: [{ text: `OPS ${JSON.stringify(values)}` }] };
    return { contents: [...call.contents, note] };
  },
});
// Long-term memory in Postgres (crash-recovery.test.ts): a recall before the first model call,
// an extraction after the answer, both recorded hooks. The pool connects on first use only.
const memory = createMemory({
  store: createPostgresMemoryStore({
    connectionString: env['DATABASE_URL'] as string,
    table: 'crash_memories',
  }),
  embed: geminiEmbed({ gemini, dimensions: 16 }),
});
// Handoffs in durable runs (durable-handoff.test.ts): triage hands to billing through a handoff()
// tool; `escalating` hands to a specialist from a recorded afterAnswer (a plugin's own hand-off,
// the specialist found by the worker only through the plugin's `receivers`: no `handoffAgents`),
// counted each time the hook really runs; `lost`
// hands to an agent the worker does not know.
const billing = createAgent({
  gemini,
  model,
  name: 'billing',
  instructions: 'BILLING: settle the refund.',
  tools: [slow],
});
const specialist = createAgent({
  gemini,
  model,
  name: 'specialist',
  instructions: 'BILLING: the specialist settles it.',
  tools: [slow],
});
const stranger = createAgent({ gemini, model, name: 'stranger', instructions: 'BILLING: unknown.' });
const escalateTo = (to: typeof billing) =>
  definePlugin({
    name: 'escalate',
    recorded: ['afterAnswer'],
    // The stranger is left undeclared: the `lost` agent's hand-off to it is refused.
    ...(to === specialist ? { receivers: { specialist } } : {}),
    afterAnswer: ({ text }, run) => {
      if (!text.includes('ESCALATE')) return undefined;
      record(`plugin escalate ${run.contents[0]?.parts?.[0]?.text ?? ''}`);
      return {
        type: 'hand-off',
        to,
        contents: [{ role: 'user', parts: [{ text: 'Please take over.' }] }],
      };
    },
  });
// A third party's router, public imports only (durable-handoff.test.ts): its recorded
// afterToolCall gives the run to billing (an agent of the tree: triage's handoff tool reaches it)
// once lookup has answered, a step outcome of a tool hook, counted each time the hook really runs.
const routeAfterLookup = definePlugin({
  name: 'route-after-lookup',
  recorded: ['afterToolCall'],
  receivers: { billing },
  afterToolCall: ({ toolName }, run) => {
    if (toolName !== 'lookup') return undefined;
    record(`plugin route ${run.contents[0]?.parts?.[0]?.text ?? ''}`);
    return { type: 'hand-off', to: billing, name: 'billing' };
  },
});
// A third party's quota, public imports only, as examples/plugins/quota-plugin.ts is
// (recorded-add-input.test.ts): one model call a user, counted in the counter file (its store,
// which a replay may find changed, so its verdict is `recorded`), ending the run with its own
// typed error (`ownErrors`), whose message carries the client's key (redacted, as in process).
// The user is the run's first word; each verdict is reported (`run.emit`, a replay emits the
// record's), and `endRun` reports the error and waits while
// HOLD_DIR holds the user, so a test can kill the worker between the verdict and the run's end.
class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
  readonly user: string;
  readonly limit: number;
  constructor(user: string, limit: number) {
    super(`User "${user}" has used all ${limit} model calls (checked with test-key).`);
    this.user = user;
    this.limit = limit;
  }
}
const userOf = (run: PluginRun<unknown>): string =>
  (run.contents[0]?.parts?.[0]?.text ?? '').split(' ')[0] ?? '';
const quotaUsed = (user: string): number => {
  const lines = readFileSync(counterFile, 'utf8').split('\n');
  const count = (line: string): number => lines.filter((each) => each === line).length;
  return count(`quota call ${user}`) - count(`quota refund ${user}`);
};
const quota = definePlugin({
  name: 'quota',
  recorded: ['beforeModelCall', 'afterModelCall'],
  ownErrors: (error) => error instanceof QuotaExceededError,
  beforeModelCall: (call, run) => {
    const user = userOf(run);
    record(`quota check ${user} step ${call.stepNumber}`);
    const used = quotaUsed(user);
    run.emit('checked', { step: call.stepNumber, used });
    if (used >= 1) throw new QuotaExceededError(user, 1);
  },
  afterModelCall: (_step, run) => record(`quota call ${userOf(run)}`),
  endRun: async (run, { error }) => {
    if (error === undefined) return;
    const user = userOf(run);
    const name = error instanceof Error ? error.name : typeof error;
    run.emit('over-quota', { user, error: name });
    record(`quota end ${user} ${name}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});
// A third party's auditor (recorded-add-input.test.ts): a recorded beforeToolCall that reports
// each call it clears with a random roll (a report made again would differ), counted with the
// roll in the counter file when it really runs. A replay takes the reports from the record, and
// each goes out just before its call's result, as on the first execution.
const auditor = definePlugin({
  name: 'auditor',
  recorded: ['beforeToolCall'],
  beforeToolCall: (call, run) => {
    const order = String(call.args['order']);
    const roll = Math.random();
    record(`auditor ${userOf(run)} ${order} ${roll}`);
    run.emit('cleared', { order, roll });
  },
});
// A third party's ledger check (recorded-add-input.test.ts): a recorded beforeModelCall that
// reports its check (a random roll, counted with it) and, at step 2, fails with an error nobody
// claims, carrying the client's key (redacted). `endRun` reports the end and waits while
// HOLD_DIR holds the user, so a test can kill the worker between the failure and the run's end.
const ledger = definePlugin({
  name: 'ledger',
  recorded: ['beforeModelCall'],
  beforeModelCall: (call, run) => {
    const roll = Math.random();
    record(`ledger check ${userOf(run)} step ${call.stepNumber} ${roll}`);
    run.emit('checked', { step: call.stepNumber, roll });
    if (call.stepNumber === 2) throw new Error('the ledger is unreachable (checked with test-key)');
  },
  endRun: async (run, { error }) => {
    if (error === undefined) return;
    const user = userOf(run);
    const name = error instanceof Error ? error.name : typeof error;
    run.emit('gave-up', { user, error: name });
    record(`ledger end ${user} ${name}`);
    while (held(user)) await new Promise((resolve) => setTimeout(resolve, 20));
  },
});
// A third party's stopwatch (recorded-wrap-tool-call.test.ts): a recorded wrapToolCall that rolls
// a mark before the tool runs (a mark made again would differ), reports it, and stamps the tool's
// value with it after. Each half is counted in the counter file when it really runs; the part
// after `next()` waits while HOLD_DIR holds `<user>-after`, so a test can kill the worker after
// the tool ended and before the wrapper did.
const stopwatch = definePlugin({
  name: 'stopwatch',
  recorded: ['wrapToolCall'],
  wrapToolCall: async (call, next, run) => {
    const user = userOf(run);
    const mark = Math.random();
    record(`stopwatch before ${user} ${call.toolName} ${mark}`);
    run.emit('started', { tool: call.toolName, mark });
    const execution = await next();
    record(`stopwatch after ${user} ${call.toolName} ${execution.type}`);
    while (held(`${user}-after`)) await new Promise((resolve) => setTimeout(resolve, 20));
    return execution.type === 'value'
      ? { type: 'value', value: { result: execution.value, mark } }
      : execution;
  },
});
// A third party's progress reports (recorded-wrap-tool-call.test.ts), public imports only: a
// plugin that is not recorded links each call's run to the call's arguments in its wrapToolCall
// (as @gemloop/tools' MCP run link does), and the `timed` agent's slow tool reports through that
// run as it ends, from inside the tool's durable step (as an MCP server's sampling request is
// reported). The report names the worker that ran the tool.
const progressRuns = new WeakMap<object, PluginRun<unknown>>();
const linkedProgress = definePlugin({
  name: 'progress',
  wrapToolCall: async (call, next, run) => {
    progressRuns.set(call.input as object, run);
    try {
      return await next();
    } finally {
      progressRuns.delete(call.input as object);
    }
  },
});
const reportedSlow = defineTool({
  name: 'slow',
  description: 'Takes a while.',
  parameters: z.object({ order: z.string() }),
  execute: async (args, context) => {
    const value = await slow.execute(args, context);
    if (!context.signal.aborted)
      progressRuns.get(args)?.emit('progress', { order: args.order, by: env['EXECUTOR_ID'] });
    return value;
  },
});
// A third party's wait notice (recorded-wrap-tool-call.test.ts), public imports only: a
// wrapModelCall that is not recorded reports `waiting` once, 200 ms into its run's first model
// call (the rest of the run's calls are the test's fixed list of events), counted with the worker
// that made it; the fake holds that call until the notice is counted, so it is made while the
// call's step body runs. A replay of the call's step answers at once: before issue 53's
// durable-events53b, the worker that took a run over made fewer notices (none) than the first
// execution had reported. One notice, not one a second: a second tick could land after the body
// ended and before DBOS wrote the step's record (a window no record can hold, bench/RESULTS.md
// reports54), which a loaded machine hit (the killed worker counted two, the stream kept one).
const modelWait = definePlugin({
  name: 'model-wait',
  wrapModelCall: async (call, next, run) => {
    if (call.stepNumber !== 1) return next(call);
    const user = userOf(run);
    const timer = setTimeout(() => {
      record(`model-wait ${user} ${env['EXECUTOR_ID']} 1`);
      run.emit('waiting', { tick: 1, by: env['EXECUTOR_ID'] });
    }, 200);
    try {
      return await next(call);
    } finally {
      clearTimeout(timer);
    }
  },
});
// A third party's poll notices (durable-interactions.test.ts), public imports only: a
// wrapModelCall that is not recorded reports `waiting` every 20 ms while a model call waits, on
// an agent whose calls are background interactions (a create, then polls with durable sleeps
// between them): what a durable run keeps of them is in its interaction steps' records.
const pollWait = definePlugin({
  name: 'poll-wait',
  wrapModelCall: async (call, next, run) => {
    let tick = 0;
    const timer = setInterval(() => {
      tick += 1;
      run.emit('waiting', { step: call.stepNumber, tick });
    }, 20);
    try {
      return await next(call);
    } finally {
      clearInterval(timer);
    }
  },
});
// A third party's redial (recorded-wrap-model-call.test.ts): a recorded wrapModelCall that rolls a
// mark before the call (a mark made again would differ) and reports it, and sends a first answer
// that says RETRY again to gemini-3-pro-preview (a fallback of its own: `next` twice). Each part is
// counted in the counter file when it really runs; after each answer it waits while HOLD_DIR holds
// `<user>-after`, so a test can kill the worker after a model call ended and before the wrapper did.
const redial = definePlugin({
  name: 'redial',
  recorded: ['wrapModelCall'],
  wrapModelCall: async (call, next, run) => {
    const user = userOf(run);
    const mark = Math.random();
    record(`redial before ${user} ${call.stepNumber} ${mark}`);
    run.emit('dialled', { step: call.stepNumber, mark });
    let step = await next(call);
    record(`redial after ${user} ${call.stepNumber} ${step.model ?? model}`);
    while (held(`${user}-after`)) await new Promise((resolve) => setTimeout(resolve, 20));
    if (step.text.startsWith('RETRY')) {
      step = await next({ ...call, model: 'gemini-3-pro-preview' });
      record(`redial again ${user} ${call.stepNumber} ${step.model ?? model}`);
    }
    return step;
  },
});
// A third party's model router, public imports only (model-router-crash.test.ts): the run's first
// model call goes to gemini-3-pro-preview, the others to the agent's gemini-3-flash-preview. Each
// model signs with its own signature, and the fake refuses one model's signature sent to another
// (400 Invalid thought signature, as the API does). `recorded`: the router's choice is recorded,
// as a router that reads the clock or a quota must be; `replayed`: run again on a replay (a
// choice made from the run's own state).
const firstCallToPro = (recorded: boolean) =>
  definePlugin<{ calls: number }>({
    name: 'router',
    // Recorded, its state goes with the record (a replay runs no recorded wrapper).
    ...(recorded && { recorded: ['wrapModelCall'] as const, recordedState: true }),
    startRun: () => ({ calls: 0 }),
    wrapModelCall: (call, next, run) => {
      run.state.calls += 1;
      return next(run.state.calls === 1 ? { ...call, model: 'gemini-3-pro-preview' } : call);
    },
  });
const rate = env['RATE_LIMIT'];

// A cycle of agents (durable-gaps.test.ts): `cycleLead` asks its `helper` subagent, whose plugin
// hands the run back to the lead (receivers read when the run needs them, as a cycle must be
// written), and the lead asks its helper again: a child of a child without end but for maxDepth.
let cycleLead: Agent<undefined> | undefined;
const handBack = definePlugin({
  name: 'hand-back',
  receivers: () => ({ cycleLead: cycleLead as Agent<undefined> }),
  afterToolCall: (call) =>
    call.toolName === 'transfer_to_lead'
      ? { type: 'hand-off' as const, to: cycleLead as Agent<undefined>, name: 'cycleLead' }
      : undefined,
});
const cycleHelper = createAgent({
  gemini,
  model,
  name: 'cycleHelper',
  instructions: 'CYCLE HELP: hand back.',
  tools: [
    defineTool({
      name: 'transfer_to_lead',
      description: 'Hands the conversation back.',
      parameters: z.object({}),
      execute: () => ({ output: 'Transferred to lead.' }),
    }),
  ],
  plugins: [handBack],
});
const cycleLeadOptions = {
  gemini,
  model,
  name: 'cycleLead',
  instructions: 'CYCLE LEAD: ask your helper.',
  tools: [subagent(cycleHelper, { name: 'helper', description: 'Helps.', maxDepth: 3 })],
};
cycleLead = createAgent(cycleLeadOptions);

// Started without a top-level await: the bundle that runs this file is a script (CommonJS), so
// that V8's code cache serves its start (scripts/bundle-fixture.ts). A failed start still ends the
// process with the error (an unhandled rejection).
void startDurableWorkerWith({
  databaseUrl: env['DATABASE_URL'] as string,
  executorId: env['EXECUTOR_ID'],
  // A small bound on a run's stored input (child-input-limit.attacks.test.ts).
  ...(env['MAX_INPUT_BYTES'] === undefined
    ? {}
    : { maxInputBytes: Number(env['MAX_INPUT_BYTES']) }),
  agents: {
    // TOOLS=...: the support agent's tools by name, a deploy that changed them between a crash
    // and the recovery (tool-set-change.attacks.test.ts).
    // A tool failing as a2aAgent's failed remote task does (delegated-failure.test.ts).
    asker: { gemini, model, instructions: 'ASKER: ask the remote.', tools: [askRemote] },
    checkedByCycle: {
      gemini,
      model,
      guardrails: guardrails({ input: [{ name: 'cycle', check: () => runChecker() }] }),
    },
    spendingAsker: { gemini, model, instructions: 'ASKER: ask the remote.', tools: [askSpender] },
    support: {
      gemini,
      model,
      tools:
        env['TOOLS'] === undefined
          ? [lookup, env['SLOW_SCHEMA'] === 'v2' ? slowV2 : slow]
          : [lookup, slow].filter((tool) => (env['TOOLS'] as string).split(',').includes(tool.name)),
    },
    triage: { gemini, model, name: 'triage', instructions: 'TRIAGE: route it.', tools: [lookup, handoff(billing)] },
    // triage on Gemini 2.5 handing to billing on Gemini 3 (durable-handoff.test.ts: the history
    // signed for the receiver in a durable run).
    triage25: {
      gemini,
      model: 'gemini-2.5-flash',
      name: 'triage',
      instructions: 'TRIAGE: route it.',
      tools: [lookup, handoff(billing)],
    },
    escalating: {
      gemini,
      model,
      name: 'triage',
      instructions: 'ESCALATE: route it.',
      tools: [lookup],
      plugins: [escalateTo(specialist)],
    },
    routed: {
      gemini,
      model,
      name: 'triage',
      instructions: 'ROUTE: route it.',
      tools: [lookup],
      plugins: [routeAfterLookup],
    },
    lost: {
      gemini,
      model,
      name: 'triage',
      instructions: 'ESCALATE: route it.',
      tools: [lookup],
      plugins: [escalateTo(stranger)],
    },
    // The support agent with a loop guard (durable-loop-plugins.test.ts: a looping model, a kill).
    looping: { gemini, model, tools: [lookup, slow], maxSteps: 20, plugins: [loopGuard()] },
    // lookup served from a run-scoped cache (durable-loop-plugins.test.ts).
    caching: {
      gemini,
      model,
      tools: [lookup, slow],
      plugins: [toolResultCache({ tools: { lookup: { effect: 'read' } } })],
    },
    // The support agent with the `cache` option, its long instructions cached (about 6,000
    // tokens by the fake's estimate, above any model's minimum; agent-options-crash.test.ts).
    cached: {
      gemini,
      model,
      instructions: `You are the lease desk. ${'Clause: the tenant pays rent monthly. '.repeat(600)}`,
      tools: [lookup, slow],
      cache: { ttlSeconds: 600 },
    },
    // Typed structured output after a tool call, and a thinking level, in a durable run (issue
    // 53, letters45: durable-run.test.ts, its structured-output test).
    structuredThinking: {
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup],
      thinking: { effort: 'low', includeThoughts: true },
      output: z.object({ order: z.string(), status: z.string() }),
    },
    // Issue 53, letters46 (agent-options-crash.test.ts): Vertex's streamed function-call
    // arguments, whose pieces a durable step records as they came, and Agent Skills, read through
    // their tool calls.
    vertexPieces: {
      gemini: vertexGemini,
      model: 'gemini-3.1-pro-preview',
      tools: [lookup, slow],
      streamFunctionCallArguments: true,
    },
    skilled: {
      gemini,
      model: 'gemini-3-flash-preview',
      instructions: `You answer about orders.\n\n${skillKit.instructions}`,
      tools: [lookup, slow, ...skillKit.tools],
    },
    // The support agent on gemini-3-flash-preview, falling back to gemini-3-pro-preview
    // (agent-options-crash.test.ts: the fake answers 503 to the first model).
    fallback: {
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup, slow],
      plugins: [modelFallback({ models: ['gemini-3-pro-preview'] })],
    },
    routedReplayed: {
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup, slow],
      plugins: [firstCallToPro(false)],
    },
    routedRecorded: {
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [lookup, slow],
      plugins: [firstCallToPro(true)],
    },
    plugged: { gemini, model, tools: [lookup, slow], plugins: [noted] },
    // An answer the output schema refused, re-asked, then the slow tool and the JSON
    // (crash-recovery.test.ts: the re-ask's retraction in a run taken over; leftovers66).
    reasked: {
      gemini,
      model,
      tools: [slow],
      output: z.object({ order: z.string(), status: z.string() }),
    },
    stamped: { gemini, model, tools: [lookup, slow], plugins: stamps },
    hooked: { gemini, model, tools: [lookup], plugins: [heldHook, heldRequest] },
    inbox: { gemini, model, tools: [slow], plugins: [operator] },
    verdict: { gemini, model, tools: [lookup], plugins: [slowVerdict] },
    followUp: { gemini, model, tools: [lookup, slow], plugins: [followUp] },
    requested: { gemini, model, tools: [lookup, slow], plugins: [requested] },
    quota: { gemini, model, tools: [lookup], plugins: [quota] },
    audited: { gemini, model, tools: [lookup, slow], plugins: [auditor] },
    ledger: { gemini, model, tools: [lookup], plugins: [ledger] },
    timed: {
      gemini,
      model,
      tools: [lookup, reportedSlow],
      plugins: [stopwatch, linkedProgress, modelWait],
    },
    dialled: { gemini, model, tools: [lookup, slow], plugins: [redial] },
    timedTeam: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [research],
      plugins: [stopwatch],
    },
    timedApprover: {
      gemini,
      model,
      tools: [refund],
      needsApproval: ['refund'],
      plugins: [stopwatch],
    },
    // The support agent priced by a pricer of its own, a cent a call (agent-options-crash.test.ts:
    // a pricer in a durable run).
    priced: {
      gemini,
      model,
      tools: [lookup, slow],
      prices: {
        name: 'cent-a-call',
        price: () => ({
          currency: 'USD',
          total: '0.01',
          input: '0.01',
          cachedInput: '0',
          output: '0',
          thinking: '0',
        }),
      },
    },
    remembering: {
      gemini,
      model,
      tools: [lookup, slow],
      plugins: [
        // Every memory recalled: the fake's embeddings are hash-seeded, their similarity random.
        memoryPlugin({ memory, scope: 'crash-user', recall: { minScore: -1 }, extract: { gemini, model } }),
      ],
    },
    // The support agent holding $0.5 of a fleet budget in Postgres per run
    // (reserved-budget-crash.test.ts).
    budgeted: {
      gemini,
      model,
      tools: [lookup, slow],
      plugins: [
        reserveBudget({
          pool: createPostgresBudgetPool({
            connectionString: env['DATABASE_URL'] as string,
            name: 'fleet',
            maxCostUsd: 1,
          }),
          usd: 0.5,
        }),
      ],
    },
    // budgeted, its hold's id recorded in the counter file once taken, then held while HOLD_DIR
    // holds `budget-reserve`: committed, not yet recorded by the run (reserved-budget-crash.test.ts).
    budgetHeld: {
      gemini,
      model,
      tools: [lookup, slow],
      plugins: [
        reserveBudget({
          pool: heldAfterReserve(
            createPostgresBudgetPool({
              connectionString: env['DATABASE_URL'] as string,
              name: 'held',
              maxCostUsd: 1,
            }),
          ),
          usd: 0.5,
        }),
      ],
    },
    // The support agent with a classifier-like input guardrail and an output rewrite, each
    // recorded in the counter file when it really runs (a replay must not run them again).
    guarded: {
      gemini,
      model,
      tools: [lookup, slow],
      guardrails: guardrails({
        input: [
          {
            name: 'classifier',
            check: ({ text }) => {
              record(`guardrail input ${text}`);
              return { type: 'pass' };
            },
          },
        ],
        output: [
          {
            name: 'shout',
            check: ({ text }) => {
              record(`guardrail output ${text.length}`);
              return { type: 'rewrite', text: text.toUpperCase() };
            },
          },
        ],
      }),
    },
    // The support agent whose input guardrail rewrites what it checks, naming the worker that ran
    // it: a run given a whole history (`agent.run(contents)`) and taken over after a kill sends
    // the first worker's rewrite, never a second one (crash-recovery.test.ts, attack60c).
    guardedHistory: {
      gemini,
      model,
      tools: [lookup, slow],
      guardrails: guardrails({
        input: [
          {
            name: 'stamp',
            check: ({ text }) => {
              record(`guardrail history-input ${text}`);
              return { type: 'rewrite', input: `${text} [checked by ${env['EXECUTOR_ID']}]` };
            },
          },
        ],
      }),
    },
    // Blocks an answer holding a code (`1234-5678`) after its text streamed, no holdBack
    // (durable-a2a-approvals.test.ts, its retraction tests: the A2A task keeps none of it).
    blocker: {
      gemini,
      model,
      tools: [],
      guardrails: guardrails({
        output: [
          {
            name: 'no-codes',
            check: ({ text }) =>
              /\d{4}-\d{4}/.test(text) ? { type: 'block', reason: 'a code' } : { type: 'pass' },
          },
        ],
      }),
    },
    // Holds its text back until the output guardrail passed it (browser-events.test.ts).
    heldBack: {
      gemini,
      model,
      tools: [lookup],
      guardrails: guardrails({
        holdBack: true,
        output: [{ name: 'shout', check: ({ text }) => ({ type: 'rewrite', text: text.toUpperCase() }) }],
      }),
    },
    approver: { gemini, model, tools: [refund], needsApproval: ['refund'] },
    // No tools: one step whose answer the fake serves in continuation hops (turn.continued).
    longdecode: { gemini, model, tools: [] },
    fanout: { gemini, model, tools: [meet, part] },
    team: { gemini, model, instructions: 'PARENT: delegate research.', tools: [research] },
    // A tool guardrail of the top run: the subagent's refund meets it too (as in-process).
    teamGuarded: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [research],
      guardrails: guardrails({
        tools: [
          {
            name: 'no-refunds',
            tools: ['refund'],
            before: () => ({ type: 'deny', message: 'Refunds are not allowed here.' }),
          },
        ],
      }),
    },
    teamSecret: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [secretResearch],
    },
    teamLeak: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [leakyResearch],
    },
    // The login tool at the top (read-recorded-runs.secrets.attacks.test.ts: its secret argument
    // kept out of the recorded runs read back).
    loginTop: { gemini, model, instructions: 'CHILD: log in.', tools: [login] },
    deep: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [subagent(manager, { name: 'delegate', description: 'Manages research.' })],
    },
    deepGuarded: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [subagent(guardedManager, { name: 'delegate', description: 'Manages research.' })],
    },
    teamApproval: {
      gemini,
      model,
      instructions: 'PARENT: delegate research.',
      tools: [research],
      needsApproval: ['refund'],
    },
    fanoutApproval: { gemini, model, tools: [part, refund], needsApproval: ['refund'] },
    // Summarizes its older turns when a request passes 5,000 tokens (the summary a model call).
    // Each model call a background interaction, polled every INTERACTIONS_POLL_MS (durable-interactions.test.ts).
    background: {
      gemini,
      model,
      tools: [getWeather],
      api: interactionsApi({
        background: {
          pollIntervalMs: Number(env['INTERACTIONS_POLL_MS'] ?? '200'),
          maxPollIntervalMs: Number(env['INTERACTIONS_POLL_MS'] ?? '200'),
        },
      }),
    },
    // The same, with a third party's notices while each call waits (`pollWait`).
    backgroundWaits: {
      gemini,
      model,
      tools: [getWeather],
      plugins: [pollWait],
      api: interactionsApi({
        background: {
          pollIntervalMs: Number(env['INTERACTIONS_POLL_MS'] ?? '200'),
          maxPollIntervalMs: Number(env['INTERACTIONS_POLL_MS'] ?? '200'),
        },
      }),
    },
    // The same, woken by a webhook (durable-interactions.webhook.test.ts): an hour between polls,
    // so a run that finishes did not poll its way there.
    webhookBackground: {
      gemini,
      model,
      tools: [getWeather],
      api: interactionsApi({
        background: {
          pollIntervalMs: 3_600_000,
          maxPollIntervalMs: 3_600_000,
          wakeOnWebhook: true,
        },
      }),
    },
    // The same with the slow tool (HOLD_DIR holds it): a test resumes the run while its execution
    // is inside the tool, so a second execution of it starts in this worker beside the first.
    webhookSlow: {
      gemini,
      model,
      tools: [slow],
      api: interactionsApi({
        background: {
          pollIntervalMs: 3_600_000,
          maxPollIntervalMs: 3_600_000,
          wakeOnWebhook: true,
        },
      }),
    },
    // The same with a 1.5 s fallback poll: a stopped run the worker's sweep resumes when it is due.
    webhookFallback: {
      gemini,
      model,
      tools: [getWeather],
      api: interactionsApi({
        background: { pollIntervalMs: 1500, maxPollIntervalMs: 1500, wakeOnWebhook: true },
      }),
    },
    // The same agent on the Interactions API without background: each call one streamed step.
    interactions: { gemini, model, tools: [getWeather], api: interactionsApi() },
    // File Search on the store FILE_SEARCH_STORE names (durable-file-search.test.ts).
    handbook: {
      gemini,
      model,
      tools:
        env['FILE_SEARCH_STORE'] === undefined
          ? []
          : [fileSearch({ fileSearchStoreNames: [env['FILE_SEARCH_STORE']] })],
    },
    compacting: {
      gemini,
      model,
      tools: [page],
      maxSteps: 10,
      compaction: compaction({ maxTokens: 5_000, keepRecent: 2, clearToolResults: false, summarize: true }),
    },
    // Gemini 2.x with google_search next to a function: the search runs as a function, a grounded
    // call of its own (the built-in fallback; agent-options-crash.test.ts).
    searcher: {
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'SEARCH: find it.',
      tools: [googleSearch(), slow],
    },
    cycle: cycleLeadOptions,
    artifacts: {
      gemini,
      model,
      tools: [longDocument, slowReadBack],
      toolOutput: toolOutput({ perTool: { long_document: { maxTokens: 100 } }, artifacts }),
    },
  },
  batchJobs: {
    weather: {
      gemini,
      model,
      tools: [getWeather],
      pollIntervalMs: Number(env['BATCH_POLL_MS'] ?? '500'),
    },
  },
  workerConcurrency: Number(env['WORKER_CONCURRENCY'] ?? '4'),
  // POLLING_MS=default: the worker's own default.
  ...(env['POLLING_MS'] === 'default' ? {} : { pollingIntervalMs: Number(env['POLLING_MS'] ?? '200') }),
  // DEAD_AFTER_MS: the silence before a takeover, 10 minutes unless a file sets it. A live worker
  // that got no CPU for 3 s at load 16+ was taken over and its model call in flight sent twice by
  // another worker (DBOS steps are at-least-once across a takeover): a file counting calls exactly
  // failed (child-budget, bench/RESULTS.md flaky35/flaky36). A kill through crashWorker tells the
  // fleet at once, and a raw SIGKILL ends the worker's Postgres session, which the fleet sees
  // within two heartbeats (worker-liveness.ts): neither needs a silence. Only the files that test
  // a takeover of a frozen worker or after an outage set 3000 (cancel-takeover, postgres-outage).
  // 3 s, not 2: a worker's first model call held its event loop 1.3 s on a loaded machine before
  // preloadRunPath.
  takeover: { heartbeatMs: 300, deadAfterMs: Number(env['DEAD_AFTER_MS'] ?? '600000') },
  // The approval sweep (two statements a sweep, a worker idle or not): every 500 ms only where a
  // test waits on it (APPROVAL_SWEEP_MS: an approval's timeout, a parked run's fallback poll, a
  // resume that never came); elsewhere every 2 s, 3 statements a second fewer per live worker.
  // Measured on an idle worker (a probe, ABBA, bench/RESULTS.md, helper test-speed-dbos8).
  approvalSweepMs: Number(env['APPROVAL_SWEEP_MS'] ?? '2000'),
  // DBOS's notifier flushes every 10 ms by default, for as long as the worker runs: ~100 wake-ups
  // a second, a third of an idle worker's CPU (bench/RESULTS.md, helper speed-tests54). 100 ms
  // here: a reader that LISTENs (a run's recv of its approval, a wait on an event) wakes up to
  // 0.1 s after the write; NOTIFY_COALESCE_MS for a file that needs DBOS's own.
  notificationCoalesceMs: Number(env['NOTIFY_COALESCE_MS'] ?? '100'),
  ...(env['APPROVAL_TIMEOUT_MS'] === undefined
    ? {}
    : { approvalTimeoutMs: Number(env['APPROVAL_TIMEOUT_MS']) }),
  logLevel: (env['LOG_LEVEL'] as 'error' | 'warn' | undefined) ?? 'error',
  applicationVersion: env['APP_VERSION'] ?? 'test',
  ...(rate === undefined
    ? {}
    : { modelRateLimits: { [model]: { requests: Number(rate.split('/')[0]), periodMs: Number(rate.split('/')[1]) } } }),
}, {
  // No wall clock on the first connect: startWorker's hang guard watches the start (its TSDoc).
  connectTimeoutMs: 0,
  onSteerAnnounced: (runId) => {
    for (const waiter of steersHeard.get(runId) ?? []) waiter();
  },
}).then((worker) => {
  // SIGUSR2: collect garbage and print the heap's objects in use (the tests measure what paused
  // runs keep), compiled code and bytecode left out: they grow with the code paths V8 compiles and
  // optimises, which goes on for hundreds of runs, later the more loaded the machine (code was 473
  // of the 649 KB the heap grew over 80 paused runs at load 7: heap snapshots, bench/RESULTS.md).
  //
  // An error's stack formatted first: in the bundle that runs this file, the stack mapper
  // (scripts/bundle-stack-traces.ts) parses the bundle's source map at the first error stack the
  // process formats and keeps it, ~4.8 MB of heap, at a moment no test chooses. Inside a measured
  // window it read as 59 KiB a paused run (paused-runs' heap test failed so in two of eight runs,
  // test-speed14); loaded at the first print, it is in every figure a test compares.
  process.on('SIGUSR2', () => {
    void new Error('heap print').stack;
    globalThis.gc?.();
    const code = getHeapCodeStatistics();
    const objects =
      process.memoryUsage().heapUsed - code.code_and_metadata_size - code.bytecode_and_metadata_size;
    process.stdout.write(`heap ${objects}\n`);
  });
  process.stdout.write(`ready ${worker.executorId}\n`);
  process.on('SIGTERM', () => {
    void worker.shutdown({ handOver: env['HAND_OVER'] === '1' }).then(() => process.exit(0));
  });
});
