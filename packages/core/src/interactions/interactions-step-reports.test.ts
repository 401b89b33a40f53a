import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { mapRecorder } from '../agent/__fixtures__/map-recorder.ts';
import { recordedRunEvents } from '../agent/__fixtures__/recorded-run-events.ts';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import type { PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { modelStepReportsOf } from '../agent/plugins/hook-chains/model-step-reports.ts';
import type { StepReport } from '../agent/plugins/hook-chains/tool-step-reports.ts';
import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Gemini } from '../http/gemini.ts';
import { createInteractions } from './create-interactions.ts';
import { interactionsApi } from './interactions-api.ts';
import { registerInteractionsBackend } from './interactions-backend.ts';

// A durable run's model call on the Interactions API in the background is several of the
// runner's steps: its create, then a poll (`get`) after each durable sleep. A plugin's
// `wrapModelCall` that reports while `next()` waits (a "still waiting" notice on a timer) made
// its reports live only: the backend's steps were given none to keep, so a replay (each step's
// record handed back at once, each sleep over at once) made other reports than the first run did,
// and every later event of the run took another index. Here @gemloop/dbos's backend is stood in
// for by one whose create and polls are steps kept in a map, as its `callModelStep` keeps them
// (durable-interactions.ts); the real worker keeps them in Postgres.

const MODEL = 'gemini-3-flash-preview';

type StepRecord = { value: unknown; emitted?: StepReport[] };

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/**
 * A durable backend stood in for: each create and poll a step kept by its order (its body the
 * real call, a replay its record); `tick(where)` is a timer's notice, made inside each step's
 * body and during each sleep between two polls (`replay` when the run is a replay).
 */
function recordedBackend(
  gemini: Gemini,
  records: Map<number, StepRecord>,
  replaying: () => boolean,
  tick: (where: string) => void,
): void {
  const real = createInteractions(gemini);
  let steps = 0;
  const step = async <T>(
    name: string,
    stepReports: unknown,
    body: () => Promise<T>,
  ): Promise<T> => {
    const key = steps++;
    const reports = modelStepReportsOf(stepReports);
    reports?.waiting();
    await Promise.resolve();
    const kept = records.get(key);
    if (replaying() && kept !== undefined) {
      tick(`replay ${name}`);
      reports?.replay(kept.emitted);
      return kept.value as T;
    }
    reports?.running();
    const value = await body();
    tick(`first ${name}`);
    const emitted = reports?.end() ?? [];
    records.set(key, JSON.parse(JSON.stringify({ value, ...(emitted.length > 0 && { emitted }) })));
    return value;
  };
  registerInteractionsBackend(gemini, {
    interactions: {
      create: (request, options, stepReports) =>
        step('create', stepReports, () => real.create(request, options)),
      get: (id, options, stepReports) => step('get', stepReports, () => real.get(id, options)),
      cancel: (id, options) => real.cancel(id, options),
      stream: (request, options) => real.stream(request, options),
    },
    sleep: async () => {
      tick(replaying() ? 'replay sleep' : 'first sleep');
      await Promise.resolve();
    },
  });
}

/** A third party's wait notices: a `wrapModelCall` (not recorded) that reports each tick while `next()` waits. */
function waitNotices() {
  let current: PluginRun | undefined;
  const plugin = definePlugin({
    name: 'model-wait',
    async wrapModelCall(call, next, run) {
      current = run;
      try {
        return await next(call);
      } finally {
        current = undefined;
      }
    },
  });
  return { plugin, tick: (where: string) => current?.emit('waiting', { where }) };
}

function shown(event: AgentEvent<unknown>): string {
  return event.type === 'plugin' ? `${event.kind} ${JSON.stringify(event.data)}` : event.type;
}

async function backgroundAgent(records: Map<number, StepRecord>, replaying: () => boolean) {
  fake ??= createFakeGemini({
    script: [turn.text('Hi.')],
    interactions: { backgroundPolls: 1 },
  });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  const notices = waitNotices();
  recordedBackend(gemini, records, replaying, notices.tick);
  return createAgent({
    gemini,
    model: MODEL,
    api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    plugins: [notices.plugin],
  });
}

const eventsOf = async (
  agent: ReturnType<typeof createAgent>,
  record: PluginHookRecorder,
): Promise<string[]> => recordedRunEvents(agent, 'Hello.', record, shown);

describe("a plugin's report made while a durable run's background interaction runs", () => {
  it("is kept with the create or the next poll, and a replay emits the first run's, not its own", async () => {
    const recorder = mapRecorder({ numbered: true });
    const records = new Map<number, StepRecord>();
    let replaying = false;
    const first = await eventsOf(await backgroundAgent(records, () => replaying), recorder.record);
    // The create, then two polls (the first finds it still running), a sleep before each.
    expect(first.filter((event) => event.startsWith('waiting'))).toEqual([
      'waiting {"where":"first create"}',
      'waiting {"where":"first sleep"}',
      'waiting {"where":"first get"}',
      'waiting {"where":"first sleep"}',
      'waiting {"where":"first get"}',
    ]);
    // Each report in one record: a sleep's with the poll after it.
    const report = (where: string) => ({ plugin: 'model-wait', kind: 'waiting', data: { where } });
    expect([...records.values()].map((record) => record.emitted)).toEqual([
      [report('first create')],
      [report('first sleep'), report('first get')],
      [report('first sleep'), report('first get')],
    ]);
    const requests = fake?.requests.length;

    replaying = true;
    recorder.replay();
    const replayed = await eventsOf(
      await backgroundAgent(records, () => replaying),
      recorder.record,
    );
    // Nothing sent again, and every event where the first run had it.
    expect(fake?.requests.length).toBe(requests);
    expect(replayed).toEqual(first);
  });
});
