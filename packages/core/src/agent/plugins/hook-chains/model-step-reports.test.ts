import { describe, expect, it } from 'vitest';
import type { CallOptions } from '../../../http/call-options.ts';
import type { Gemini } from '../../../http/gemini.ts';
import {
  createModelCallEntry,
  type ModelCallInput,
  registerModelCallEntry,
} from '../../../http/model-call-entry.ts';
import type { GenerateContentResponse } from '../../../wire/response.ts';
import { mapRecorder } from '../../__fixtures__/map-recorder.ts';
import { recordedRunEvents } from '../../__fixtures__/recorded-run-events.ts';
import { createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../../agent-event.ts';
import { createAgent } from '../../create-agent.ts';
import type { PluginRun } from '../agent-plugin.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';
import { type ModelStepReports, modelStepReportsOf } from './model-step-reports.ts';
import type { StepReport } from './tool-step-reports.ts';

// The reports a plugin makes through its `wrapModelCall`'s run while a durable runner's step
// makes the model call (a "still waiting" notice on a timer). The step's body runs once; a replay
// hands back its record at once, so the wrapper, which runs again, made other reports (fewer, or
// none) than the first execution did: a worker killed after the step was recorded lost the
// first's, and every later event took another index. Here the runner is stood in for by a map
// recorder (the hooks' records) and a model client that keeps each call's answer in a map as
// @gemloop/dbos's `callModelStep` keeps it in its step record, with the reports kept while the
// call ran (`ModelStepReports`), emitted again on a replay instead of the replay's own. The real
// runner, a worker and a SIGKILL: @gemloop/dbos's recorded-wrap-tool-call crash test.

const MODEL = 'gemini-2.5-flash';

type StepRecord = { value: GenerateContentResponse[]; emitted?: StepReport[] };

/**
 * A durable runner's model client stood in for: each streamed call is a step kept by its order;
 * on the first run the call is made (`during` runs inside its body) and its chunks kept with what
 * the plugins reported meanwhile; on a replay (`replaying`) the kept chunks are handed back, its
 * reports emitted again (`during` runs while the record is read: a timer that ticked then).
 * `body(key)` runs inside a first run's body after `during`, so a test decides when each of
 * several calls in flight ends.
 */
function recordedClient(
  inner: Gemini,
  records: Map<number, StepRecord>,
  replaying: () => boolean,
  during: (replay: boolean) => void,
  body: (key: number) => Promise<void> = async () => {},
): Gemini {
  let calls = 0;
  const step = async (
    request: Parameters<Gemini['streamGenerateContent']>[0],
    options: CallOptions | undefined,
    reports: ModelStepReports | undefined,
  ): Promise<GenerateContentResponse[]> => {
    const key = calls++;
    reports?.waiting();
    await Promise.resolve();
    const kept = records.get(key);
    if (replaying() && kept !== undefined) {
      during(true);
      reports?.replay(kept.emitted);
      return kept.value;
    }
    reports?.running();
    during(false);
    await body(key);
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of inner.streamGenerateContent(request, options)) chunks.push(chunk);
    const emitted = reports?.end() ?? [];
    // The record's JSON, as a database keeps it.
    records.set(
      key,
      JSON.parse(JSON.stringify({ value: chunks, ...(emitted.length > 0 && { emitted }) })),
    );
    return chunks;
  };
  return steppedClient(inner, step);
}

/**
 * `inner` with its streamed calls made by `step`, as a durable runner's client makes them: its
 * entry reads each call's in-step reports from the request's input (`ModelCallInput.stepReports`).
 */
function steppedClient(
  inner: Gemini,
  step: (
    request: Parameters<Gemini['streamGenerateContent']>[0],
    options: CallOptions | undefined,
    reports: ModelStepReports | undefined,
  ) => Promise<GenerateContentResponse[]>,
): Gemini {
  const chunks = (
    request: Parameters<Gemini['streamGenerateContent']>[0],
    options: CallOptions | undefined,
    reports: ModelStepReports | undefined,
  ): AsyncIterable<GenerateContentResponse> => ({
    async *[Symbol.asyncIterator]() {
      yield* await step(request, options, reports);
    },
  });
  const client: Gemini = {
    ...inner,
    streamGenerateContent: (request, options) => chunks(request, options, undefined),
  };
  registerModelCallEntry(
    client,
    createModelCallEntry({
      generate: () => Promise.reject(new Error('streamed runs only')),
      stream: (request, options, input) =>
        chunks(request, options, modelStepReportsOf(input.stepReports)),
    }),
  );
  return client;
}

/**
 * A third party's wait notices: a `wrapModelCall` that is not recorded, whose run reports
 * `waiting` when the client says the call still waits (as a timer would), and `asked` before
 * its `next` (made again when it runs again on a replay: never kept).
 */
function waitNotices() {
  let current: PluginRun | undefined;
  const plugin = definePlugin({
    name: 'model-wait',
    async wrapModelCall(call, next, run) {
      run.emit('asked', { step: call.stepNumber });
      current = run;
      try {
        return await next(call);
      } finally {
        current = undefined;
      }
    },
  });
  const notice = (by: string): void => current?.emit('waiting', { by });
  return { plugin, notice };
}

/** An event as the tests compare it: the plugin reports in full, the rest by type. */
function shown(event: AgentEvent<unknown>): string {
  if (event.type === 'plugin')
    return `${event.plugin} ${event.kind} ${JSON.stringify(event.data)} @${event.stepNumber}`;
  return event.type;
}

const eventsOf = (
  agent: ReturnType<typeof createAgent>,
  record: PluginHookRecorder | undefined,
): Promise<string[]> => recordedRunEvents(agent, 'Hello.', record, shown);

/** A durable runner's run stood in for: its model calls are steps kept in `records`. */
function replayableAgent(records: Map<number, StepRecord>, replaying: () => boolean) {
  const notices = waitNotices();
  return createAgent({
    gemini: recordedClient(createScriptedGemini([textTurn('Hi.')]), records, replaying, (replay) =>
      notices.notice(replay ? 'replay' : 'first'),
    ),
    model: MODEL,
    plugins: [notices.plugin],
  });
}

describe("a plugin's report made while a durable run's model step makes the call", () => {
  it("is kept with the step and emitted again on a replay, in the same place, instead of the replay's own", async () => {
    const recorder = mapRecorder({ numbered: true });
    const records = new Map<number, StepRecord>();
    let replaying = false;
    const first = await eventsOf(
      replayableAgent(records, () => replaying),
      recorder.record,
    );
    expect(first).toEqual([
      'model-wait asked {"step":1} @1',
      'step-start',
      'model-wait waiting {"by":"first"} @1',
      'text-delta',
      'step-end',
      'run-end',
    ]);
    // Only what was reported while the call ran is in the step's record.
    expect(records.get(0)?.emitted).toEqual([
      { plugin: 'model-wait', kind: 'waiting', data: { by: 'first' } },
    ]);

    replaying = true;
    recorder.replay();
    const replayed = await eventsOf(
      replayableAgent(records, () => replaying),
      recorder.record,
    );
    // Every event at the index the first run emitted it at: the first run's notice once, the
    // notice the replay made while its record was read dropped.
    expect(replayed).toEqual(first);
  });

  it('holds a report made before the step knows it runs, and lets it out when it does', async () => {
    const records = new Map<number, StepRecord>();
    const notices = waitNotices();
    let sent: string[] = [];
    const agent = createAgent({
      gemini: recordedClient(
        createScriptedGemini([textTurn('Hi.')]),
        records,
        () => false,
        () => {},
      ),
      model: MODEL,
      plugins: [
        notices.plugin,
        definePlugin({
          name: 'early',
          async wrapModelCall(call, next, run) {
            const answer = next(call);
            // The client has started its step, not its body yet.
            run.emit('sent');
            sent = [...sent, 'emitted'];
            return answer;
          },
        }),
      ],
    });
    const events = await eventsOf(agent, mapRecorder({ numbered: true }).record);
    expect(sent).toEqual(['emitted']);
    expect(events.filter((event) => event.startsWith('early'))).toEqual([
      'early sent undefined @1',
    ]);
    expect(records.get(0)?.emitted).toEqual([{ plugin: 'early', kind: 'sent' }]);
  });

  it('is emitted once, as it is made, in a run without a recorder (nothing kept, none on the input)', async () => {
    const notices = waitNotices();
    const seen: ModelCallInput[] = [];
    const inner = createScriptedGemini([textTurn('Hi.')]);
    const gemini: Gemini = { ...inner };
    registerModelCallEntry(
      gemini,
      createModelCallEntry({
        generate: () => Promise.reject(new Error('streamed runs only')),
        stream(request, options, input) {
          seen.push(input);
          notices.notice('plain');
          return inner.streamGenerateContent(request, options);
        },
      }),
    );
    const agent = createAgent({ gemini, model: MODEL, plugins: [notices.plugin] });
    const events = await eventsOf(agent, undefined);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.stepReports).toBeUndefined();
    expect(events.filter((event) => event.includes('waiting'))).toEqual([
      'model-wait waiting {"by":"plain"} @1',
    ]);
  });

  it("fails as the plugin's invalid wrapModelCall when the step's record holds what is not its reports", async () => {
    for (const emitted of [
      { plugin: 'model-wait', kind: 'waiting' },
      [{ plugin: 'someone-else', kind: 'waiting' }],
      [{ plugin: 'model-wait', kind: '' }],
    ]) {
      const records = new Map<number, StepRecord>();
      await eventsOf(
        replayableAgent(records, () => false),
        mapRecorder().record,
      );
      (records.get(0) as StepRecord).emitted = emitted as unknown as StepReport[];
      const failed = await eventsOf(
        replayableAgent(records, () => true),
        mapRecorder().record,
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      const thrown = (failed as { cause?: unknown } | undefined)?.cause ?? failed;
      expect(PluginError.isInstance(thrown)).toBe(true);
      expect(thrown).toMatchObject({
        plugin: expect.stringMatching(/model-wait|someone-else/),
        hook: 'wrapModelCall',
        message: expect.stringContaining('(the record was changed)'),
      });
    }
  });
});

describe('the reports of model calls a wrapper makes side by side (a hedged call)', () => {
  /**
   * A hedge: the wrapper sends the step, and once the first call's body reported, sends it again
   * beside it; it keeps the first answer. Each body reports `running` through the wrapper's run.
   */
  function hedgedAgent(records: Map<number, StepRecord>, replaying: () => boolean) {
    let run: PluginRun | undefined;
    let firstReported: () => void = () => {};
    const reported = new Promise<void>((resolve) => {
      firstReported = resolve;
    });
    let secondStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      secondStarted = resolve;
    });
    const body = async (key: number): Promise<void> => {
      run?.emit('running', { call: key });
      if (key === 0) {
        firstReported();
        // The first call's body goes on once the second call's step started.
        await started;
      } else secondStarted();
    };
    return createAgent({
      gemini: recordedClient(
        createScriptedGemini([textTurn('Hi.'), textTurn('Hi again.')]),
        records,
        replaying,
        () => {},
        body,
      ),
      model: MODEL,
      plugins: [
        definePlugin({
          name: 'hedge',
          async wrapModelCall(call, next, given) {
            run = given;
            const first = next(call);
            // On a replay no body runs: the second call goes at once.
            await Promise.race([reported, first]);
            const second = next(call);
            const [answer] = await Promise.all([first, second]);
            return answer;
          },
        }),
      ],
    });
  }

  it("keeps each report in one call's record, and a replay emits each once, where the first run did", async () => {
    const recorder = mapRecorder({ numbered: true });
    const records = new Map<number, StepRecord>();
    let replaying = false;
    const first = await eventsOf(
      hedgedAgent(records, () => replaying),
      recorder.record,
    );
    expect(first.filter((event) => event.startsWith('hedge'))).toEqual([
      'hedge running {"call":0} @1',
      'hedge running {"call":1} @1',
    ]);
    // Every report the first run made is in exactly one of the two calls' records.
    const kept = [...records.values()].flatMap((record) => record.emitted ?? []);
    expect(
      kept
        .map((report) => report.data)
        .sort((a, b) => (a as { call: number }).call - (b as { call: number }).call),
    ).toEqual([{ call: 0 }, { call: 1 }]);

    replaying = true;
    recorder.replay();
    expect(
      await eventsOf(
        hedgedAgent(records, () => replaying),
        recorder.record,
      ),
    ).toEqual(first);
  });
});

describe('a request plugin that builds fresh call options, or a fresh input, for its next', () => {
  it.each([
    {
      // Forwards the signal only: every other option (and whatever rode on them) is left out.
      built: 'options',
      make: (input: ModelCallInput): [ModelCallInput, ModelCallInput | undefined] => [
        { ...input, callOptions: { signal: input.callOptions.signal } },
        undefined,
      ],
    },
    {
      // A whole new input, with the given one beside it (`next.stream(built, input)`).
      built: 'input',
      make: (input: ModelCallInput): [ModelCallInput, ModelCallInput | undefined] => [
        { request: input.request, callOptions: { signal: input.callOptions.signal } },
        input,
      ],
    },
  ])(
    "still has the step's reports kept with the step and emitted again on a replay (fresh $built)",
    async ({ make }) => {
      const freshOptions = definePlugin({
        name: 'fresh-options',
        wrapModelRequest: (next) => ({
          generate: (input) => next.generate(...make(input)),
          stream: (input) => next.stream(...make(input)),
        }),
      });
      const recorder = mapRecorder({ numbered: true });
      const records = new Map<number, StepRecord>();
      let replaying = false;
      const agent = () => {
        const notices = waitNotices();
        return createAgent({
          gemini: recordedClient(
            createScriptedGemini([textTurn('Hi.')]),
            records,
            () => replaying,
            (replay) => notices.notice(replay ? 'replay' : 'first'),
          ),
          model: MODEL,
          plugins: [notices.plugin, freshOptions],
        });
      };
      const first = await eventsOf(agent(), recorder.record);
      expect(first).toContain('model-wait waiting {"by":"first"} @1');
      expect(records.get(0)?.emitted).toEqual([
        { plugin: 'model-wait', kind: 'waiting', data: { by: 'first' } },
      ]);
      replaying = true;
      recorder.replay();
      expect(await eventsOf(agent(), recorder.record)).toEqual(first);
    },
  );
});
