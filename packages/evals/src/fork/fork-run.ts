import type { Agent, AgentResult, Content, Gemini } from '@gemloop/core';
import { createGemini, InvalidArgumentError } from '@gemloop/core';
import type { HistoryTurn } from '@gemloop/core/history';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  copyOptions,
  type DeclaredOptions,
  defineOptions,
  nestedOption,
  type OptionCheck,
} from '@gemloop/core/internal';
import type { RunObserver, TelemetryOptions } from '@gemloop/core/telemetry';
import type { AnyTool } from '@gemloop/core/tools';
import type { GenerateContentBody } from '@gemloop/core/wire';
import type { EvalCase } from '../eval-case.ts';
import type { EvalDrift, EvalUnreproduced } from '../eval-result.ts';
import { findDrift } from '../replay/find-drift.ts';
import { findUnreproduced, servable } from '../replay/find-omitted.ts';
import { loadFake } from '../replay/load-fake.ts';
import { agentFromRecording } from './agent-from-recording.ts';
import { checkForkSignatures } from './check-fork-signatures.ts';
import type { ForkChange, ForkToolResult } from './fork-change.ts';

/** What builds an agent of a fork: the client to use and the recorded case. */
export type ForkAgentContext = {
  gemini: Gemini;
  recording: EvalCase;
  /** Which side of the fork: the replay of steps 1..until, or the changed run after it. */
  side: 'replay' | 'fork';
};

/** Options of {@link forkRun}. */
export type ForkRunOptions = {
  /** Model calls 1..until are answered from the recording; the fork starts at call `until + 1`. */
  until: number;
  /** What the fork changes (model, instructions, tool descriptions, tool results at `until`). */
  change?: ForkChange | undefined;
  /**
   * Where model calls after `until` go: a live client, or a scripted fake. Needed unless
   * `continueWith` runs the fork.
   */
  continueOn?: Gemini | undefined;
  /**
   * Builds the agent of each side. @defaultValue the agent rebuilt from the recording
   * ({@link agentFromRecording}), with `change` applied on the `fork` side
   */
  createAgent?:
    | ((context: ForkAgentContext) => Agent<unknown> | Promise<Agent<unknown>>)
    | undefined;
  /**
   * Runs the fork yourself instead of on an agent here: gets the history at the fork (turns of the
   * recorded model, as `agent.run(turns)` takes them) and returns the run's result. A durable fork
   * starts a new workflow with it: `(turns) => runs.start('support', { input: turns }).then(({
   * runId }) => runs.result(runId))` (`@gemloop/dbos`); the recorded run is never touched.
   * `continueOn` and `change` are then unused for the fork side: its agent is the one that runs it
   * (give `change.model` when it runs another model than the recorded one: the check of edited
   * thought signatures, before it starts, then knows none will be sent).
   */
  continueWith?: ((history: HistoryTurn[]) => Promise<AgentResult<unknown>>) | undefined;
  /** Tools run for real on both sides (by name); the others replay their recorded results. */
  liveTools?: readonly AnyTool[] | undefined;
  /**
   * Records the fork side (steps `until + 1` on) of the rebuilt agent: `createRunRecorder({ dir })`
   * writes it as a run file of its own, which `gemloop view` shows; the recording forked is never
   * written. Give it a folder other than the recording's: a recorder deletes its folder's oldest
   * files once the folder passes its `maxBytes`. @defaultValue none
   */
  recorder?: RunObserver | undefined;
  /** The rebuilt fork agent's OpenTelemetry settings. @defaultValue off */
  telemetry?: TelemetryOptions | undefined;
  /** Runs with `agent.stream()`. @defaultValue false */
  streaming?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

/** A fork: the replayed steps, the changed run after them, and how exact the replay was. */
export type ForkRunResult = {
  /** The replay of steps 1..until (`undefined` for `until: 0`). */
  replayed: AgentResult<unknown> | undefined;
  /** The fork: the run from step `until + 1`, on the history the replay made (`undefined` when the replay ended the run). */
  forked: AgentResult<unknown> | undefined;
  /**
   * The requests the replay sent, as the fake received them (parsed JSON bodies: a recorded
   * request is the same body with its `model` added, every value the same bytes).
   */
  replayedRequests: unknown[];
  /** Model calls answered from the recording. */
  recordedCalls: number;
  /** Model calls sent to `continueOn`. */
  continuedCalls: number;
  /** Where a replayed request differed from the recorded one, or `undefined`. */
  drift?: EvalDrift | undefined;
  /** Replayed answers whose shortened values (a default recording) could not be reproduced. */
  unreproduced: EvalUnreproduced[];
};

/**
 * Forks a recorded run at model call `until`: the recorded agent runs steps 1..until with each
 * answer served from the recording (through the fake Gemini; byte for byte from a `fidelity:
 * 'full'` recording, and no model call), then the changed agent continues from that history on
 * `continueOn`. The fork's history is passed as turns of the recorded model, so a fork onto
 * another model sends none of its thought signatures and the documented dummy where Gemini 3
 * requires one (https://ai.google.dev/gemini-api/docs/thought-signatures#faqs; gemini-wire.md
 * "Dummy signature"). A run with subagents forks at its top run (their recorded results replay as
 * tool results); a chat turn forks with the history it was sent. The recording is only read.
 *
 * @throws {@link InvalidArgumentError} for a bad `until`, `continueOn` or tool-result edit, a
 * `continueWith` that resolves to no result, or (before any live call) a replayed model turn whose
 * thought signature is not the one the recording sent Google in its request `until + 1` (an
 * edited answer, which the live model would refuse).
 */
export async function forkRun(recording: EvalCase, given: ForkRunOptions): Promise<ForkRunResult> {
  // Each option read once, `change` and its edits too (attack23): a getter passed `until: 1` to
  // the check and 7 to the replay.
  const options = checkOptionsCopy(forkRunKeys, given);
  const responses = recording.fixtures?.modelResponses ?? [];
  const requests = recording.fixtures?.requests ?? [];
  const { until, continueOn, change = {} } = options;
  checkOptions(recording, options, responses.length);
  const input = startingContents(recording, requests);
  const recordedModel =
    modelOf(requests[0]) ??
    modelOf(requests[until]) ??
    modelOf({ model: recording.fixtures?.model });
  const build = async (side: ForkAgentContext['side'], gemini: Gemini) =>
    options.createAgent !== undefined
      ? options.createAgent({ gemini, recording, side })
      : agentFromRecording(recording, {
          gemini,
          request: side === 'replay' ? 0 : until,
          ...(side === 'fork'
            ? {
                change,
                ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
                ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
              }
            : {}),
          ...(options.liveTools === undefined ? {} : { liveTools: options.liveTools }),
        });
  const drive = (
    agent: Agent<unknown>,
    contents: Parameters<Agent<unknown>['run']>[0],
    stop?: number,
  ) => {
    const runOptions = {
      signal: options.signal,
      ...(stop === undefined
        ? {}
        : { stopWhen: ({ steps }: { steps: readonly unknown[] }) => steps.length >= stop }),
    };
    return options.streaming === true
      ? agent.stream(contents, runOptions).result
      : agent.run(contents, runOptions);
  };

  let replayed: AgentResult<unknown> | undefined;
  let replayedRequests: unknown[] = [];
  let unreproduced: EvalUnreproduced[] = [];
  let drift: EvalDrift | undefined;
  if (until > 0) {
    const { createFakeGemini } = await loadFake();
    const fake = createFakeGemini({
      script: responses.slice(0, until).map((response) => ({ raw: servable(response) })),
      models: 'pattern',
      // The recorded signatures are Google's, or the dummy in place of shortened ones.
      signatureValidation: 'off',
    });
    try {
      const gemini = createGemini({ apiKey: 'replay', fetch: fake.fetch, retry: false });
      replayed = await drive(await build('replay', gemini), input, until);
      replayedRequests = fake.modelRequests.map((request) => request.body);
      drift = findDrift(requests.slice(0, until), replayedRequests);
      unreproduced = findUnreproduced('the top run', responses, fake.modelRequests.length);
    } finally {
      await fake.close();
    }
  }
  // The replay ended the run (its last step answered): there is nothing after it to fork.
  const ended = replayed !== undefined && replayed.finishReason !== 'stop-condition';
  // Edited before the ended check: an edit of the answering step (it called no tool) is refused,
  // not dropped with a fork that never ran and so looked unchanged.
  const history = withEditedResults(replayed, change.toolResults ?? [], until) ?? input;
  let forked: AgentResult<unknown> | undefined;
  let continuedCalls = 0;
  if (!ended) {
    // Built before the check: the model the fork calls is its agent's (createAgent's may differ
    // from change.model, leftovers80). A continueWith fork runs an agent we cannot see: its
    // change.model, when given, names that model.
    const agent =
      options.continueWith === undefined ? await build('fork', continueOn as Gemini) : undefined;
    // Before any live call: an edited signature would be the live model's 400 (leftovers79b).
    // A fork onto another model is sent none of them (see the TSDoc above).
    if (until > 0 && sameModel(agent?.model ?? change.model, recordedModel)) {
      checkForkSignatures({
        caseId: recording.id,
        history,
        input,
        recorded: requests[until],
        until,
      });
    }
    const turns: HistoryTurn[] = [
      { contents: history, ...(recordedModel === undefined ? {} : { model: recordedModel }) },
    ];
    forked =
      options.continueWith !== undefined
        ? checkContinued(await options.continueWith(turns))
        : await drive(agent as Agent<unknown>, turns);
    continuedCalls = forked.steps.length;
  }
  return {
    replayed,
    forked,
    replayedRequests,
    recordedCalls: replayedRequests.length,
    continuedCalls,
    ...(drift === undefined ? {} : { drift }),
    unreproduced,
  };
}

// The edited tool results, checked in checkOptions against `until`; copied with the options by
// checkOptionsCopy, each edit read once: read by the check and again where applied (attack23), a
// getter passed an edit's `call` 0 to the check and another to the edit.
const editsCopied: OptionCheck = Object.assign(() => {}, {
  copy: (edits: unknown) => (Array.isArray(edits) ? edits.map((edit) => copyOptions(edit)) : edits),
});

// The keys of forkRun's options and of its `change`, each value checked in checkOptions or where
// it is used: a misspelt `stream` forked unary, a misspelt `toolResult` forked with the recorded
// results (attack23).
const forkChangeKeys: DeclaredOptions<ForkChange> = defineOptions<ForkChange>({
  name: 'forkRun change',
  example: "{ model: 'gemini-2.5-flash', instructions, toolDescriptions, toolResults }",
  checks: {
    model: checkedWhereUsed,
    instructions: checkedWhereUsed,
    toolDescriptions: checkedWhereUsed,
    toolResults: editsCopied,
  },
});
const forkRunKeys: DeclaredOptions<ForkRunOptions> = defineOptions<ForkRunOptions>({
  name: 'forkRun',
  example: '{ until: 2, continueOn: createGemini(), change }',
  checks: {
    until: checkedWhereUsed,
    change: nestedOption(forkChangeKeys as DeclaredOptions<unknown>),
    continueOn: checkedWhereUsed,
    createAgent: checkedWhereUsed,
    continueWith: checkedWhereUsed,
    liveTools: checkedWhereUsed,
    recorder: checkedWhereUsed,
    telemetry: checkedWhereUsed,
    streaming: checkedWhereUsed,
    signal: checkedWhereUsed,
  },
});

function checkOptions(recording: EvalCase, options: ForkRunOptions, recorded: number): void {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message });
  };
  if (recorded === 0) {
    fail(
      'recording',
      `case '${recording.id}' has no recorded model answers to replay: make it with caseFromRunFile from a run file.`,
    );
  }
  const { until, continueOn } = options;
  if (!Number.isInteger(until) || until < 0 || until > recorded) {
    fail(
      'until',
      `until must be a whole number from 0 to ${recorded} (the model answers recorded in case '${recording.id}'); got ${String(until)}.`,
    );
  }
  if (options.continueWith !== undefined) {
    if (typeof options.continueWith !== 'function') {
      fail('continueWith', 'continueWith must be a function (history) => Promise<AgentResult>.');
    }
  } else if (
    typeof continueOn !== 'object' ||
    continueOn === null ||
    typeof continueOn.generateContent !== 'function'
  ) {
    fail(
      'continueOn',
      'continueOn must be a Gemini client (createGemini(), or a fake for tests): it answers the model calls after until. Or give continueWith, which runs the fork.',
    );
  }
  const edits: unknown = options.change?.toolResults ?? [];
  if (!Array.isArray(edits)) {
    fail('change.toolResults', 'change.toolResults must be an array of { step, call, output }.');
  }
  for (const edit of edits as readonly ForkToolResult[]) {
    if (typeof edit !== 'object' || edit === null) {
      fail('change.toolResults', 'each of change.toolResults is an object { step, call, output }.');
    }
    if (edit.step !== until || !Number.isInteger(edit.call) || edit.call < 0) {
      fail(
        'change.toolResults',
        `an edited tool result is one of the fork step's calls: step must be until (${until}) and call a whole number from 0; got step ${String(edit.step)} call ${String(edit.call)}. To edit a result at step S, fork at S.`,
      );
    }
  }
}

/**
 * What `continueWith` resolved to, when it is a result with `steps`: one that forgot its `return`
 * failed on "Cannot read properties of undefined (reading 'steps')" (attack63b).
 */
function checkContinued(value: unknown): AgentResult<unknown> {
  const steps = (value as { steps?: unknown } | null | undefined)?.steps;
  if (typeof value === 'object' && value !== null && Array.isArray(steps)) {
    return value as AgentResult<unknown>;
  }
  throw new InvalidArgumentError({
    argument: 'continueWith',
    message: `continueWith must resolve to the fork's AgentResult (what agent.run(history) or a durable run's runs.result(runId) resolves to); got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object without steps' : typeof value}.`,
  });
}

/** What the run was first sent: the first recorded request's contents (a chat turn's history too). */
function startingContents(
  recording: EvalCase,
  requests: readonly GenerateContentBody[],
): Content[] {
  const sent = requests[0]?.contents;
  if (Array.isArray(sent) && sent.length > 0) return sent as Content[];
  const input = recording.input ?? '';
  return [
    ...(recording.history ?? []),
    ...(typeof input === 'string' ? [{ role: 'user' as const, parts: [{ text: input }] }] : input),
  ];
}

/** Whether the fork's model (`change.model`, else the recorded one) is the recorded model. */
function sameModel(changed: unknown, recorded: string | undefined): boolean {
  return (
    changed === undefined ||
    (typeof changed === 'string' && modelOf({ model: changed }) === recorded)
  );
}

function modelOf(request: unknown): string | undefined {
  const model = (request as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model.replace(/^models\//, '') : undefined;
}

/** The replay's history with the fork step's tool results edited (copies; the run's are kept). */
function withEditedResults(
  replayed: AgentResult<unknown> | undefined,
  edits: readonly ForkToolResult[],
  until: number,
): Content[] | undefined {
  if (replayed === undefined) return undefined;
  const contents = [...replayed.contents];
  if (edits.length === 0) return contents;
  const step = replayed.steps[until - 1];
  const answered = step?.toolResponseContent;
  const at = answered === undefined ? -1 : contents.lastIndexOf(answered);
  const target = contents[at];
  if (target === undefined) {
    throw new InvalidArgumentError({
      argument: 'change.toolResults',
      message: `step ${until} of the recording called no tool whose result could be edited.`,
    });
  }
  const parts = [...target.parts];
  for (const edit of edits) {
    const part = parts[edit.call];
    if (part?.functionResponse === undefined) {
      throw new InvalidArgumentError({
        argument: 'change.toolResults',
        message: `step ${until} has ${parts.length} tool result(s); there is no call ${edit.call} (calls count from 0).`,
      });
    }
    const output = edit.output;
    const response =
      typeof output === 'object' && output !== null && !Array.isArray(output)
        ? (output as Record<string, unknown>)
        : { result: output };
    parts[edit.call] = { ...part, functionResponse: { ...part.functionResponse, response } };
  }
  contents[at] = { ...target, parts };
  return contents;
}
