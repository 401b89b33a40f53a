import type { Agent, AgentResult, Content, Gemini } from '@gemloop/core';
import { createGemini, InvalidArgumentError } from '@gemloop/core';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  type ModelCallEntry,
  modelCallEntryOf,
  registerModelCallEntry,
} from '@gemloop/core/internal';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import type { EvalCase } from '../eval-case.ts';
import type { EvalDrift, EvalUnreproduced } from '../eval-result.ts';
import type { EvalAgentContext } from '../run-eval-options.ts';
import { findDrift } from './find-drift.ts';
import { findUnreproduced, servable } from './find-omitted.ts';
import { loadFake } from './load-fake.ts';
import { recordedToolLookup } from './recorded-tool-lookup.ts';

/** Options of {@link replayRun}. */
export type ReplayRunOptions = {
  /**
   * Builds the agent on the client it is given, as `runEval`'s `createAgent` does: the change
   * to try (another prompt, tool description, model) goes here. `recordedToolOutput` gives the
   * recorded result of a tool call, so each tool may replay or run, by your choice.
   */
  createAgent: (
    context: Pick<EvalAgentContext, 'gemini' | 'evalCase' | 'recordedToolOutput'>,
  ) => Agent<unknown> | Promise<Agent<unknown>>;
  /**
   * How many of the recorded model answers are served from the recording (the run's model calls
   * 1..until); `0` sends every call to `continueOn`. At most the number recorded.
   */
  until: number;
  /**
   * Where model call `until + 1` onward goes: a live client, or a scripted fake in tests. (Not
   * named `then`: an options object with a `then` is taken for a promise by `await`.)
   */
  continueOn: Gemini;
  /** Runs with `agent.stream()` rather than `agent.run()`. @defaultValue false */
  streaming?: boolean | undefined;
  /** Aborts the run. */
  signal?: AbortSignal | undefined;
};

/** A forked run: what it did, and how much of it came from the recording. */
export type ReplayRunResult = {
  /** The run, its first `until` model answers the recorded ones. */
  result: AgentResult<unknown>;
  /** Model calls served from the recording. */
  recordedCalls: number;
  /** Model calls sent to `continueOn`. */
  continuedCalls: number;
  /**
   * Where a request among the first `until` differed from the recorded one (then the run was
   * already not the recorded one before the fork), or `undefined`.
   */
  drift?: EvalDrift | undefined;
  /** Served answers whose shortened values (a default recording) could not be reproduced. */
  unreproduced: EvalUnreproduced[];
};

/**
 * Replays a recorded run up to a model call and lets it continue elsewhere: model calls
 * 1..`until` are answered with the recorded answers (through the fake Gemini of
 * `@gemloop/testing`, byte for byte from a `fidelity: 'full'` recording), and call `until + 1`
 * onward goes to `continueOn`. The recording is only read. The base of counterfactual replay: the agent
 * `createAgent` builds may differ from the recorded one in what follows the fork.
 *
 * The case is a single-input run (`caseFromRunFile`); a conversation or a run with subagents is
 * not forked yet.
 *
 * @example
 * ```ts
 * const fork = await replayRun(caseFromRunFile(text, file)!, {
 *   until: 2,
 *   continueOn: createGemini(),
 *   createAgent: ({ gemini }) => createAgent({ gemini, model: 'gemini-3-pro-preview', tools }),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a bad `until` or `continueOn`, or a case that cannot be forked.
 */
export async function replayRun(
  recording: EvalCase,
  options: ReplayRunOptions,
): Promise<ReplayRunResult> {
  replayRunKeys.check(options);
  const responses = checkRecording(recording);
  const { until, continueOn } = options;
  if (!Number.isInteger(until) || until < 0 || until > responses.length) {
    throw new InvalidArgumentError({
      argument: 'until',
      message: `until must be a whole number from 0 to ${responses.length} (the model answers recorded in case '${recording.id}'); got ${String(until)}.`,
    });
  }
  if (
    typeof continueOn !== 'object' ||
    continueOn === null ||
    typeof continueOn.generateContent !== 'function' ||
    typeof continueOn.streamGenerateContent !== 'function'
  ) {
    throw new InvalidArgumentError({
      argument: 'continueOn',
      message:
        'continueOn must be a Gemini client (createGemini(), or a fake for tests): it answers the model calls after until.',
    });
  }
  const { createFakeGemini } = await loadFake();
  const fake = createFakeGemini({
    script: responses.slice(0, until).map((response) => ({ raw: servable(response) })),
    models: 'pattern',
    // The recorded signatures are Google's, or the dummy in place of shortened ones.
    signatureValidation: 'off',
  });
  const recorded = createGemini({ apiKey: 'replay', fetch: fake.fetch, retry: false });
  const fork = forkAt(recorded, continueOn, until);
  const agent = await options.createAgent({
    gemini: fork.gemini,
    evalCase: recording,
    recordedToolOutput: recordedToolLookup(recording),
  });
  const input = recording.input ?? '';
  const contents: Content[] = [
    ...(recording.history ?? []),
    ...(typeof input === 'string' ? [{ role: 'user' as const, parts: [{ text: input }] }] : input),
  ];
  const signal = options.signal;
  const result =
    options.streaming === true
      ? await agent.stream(contents, { signal }).result
      : await agent.run(contents, { signal });
  const served = fake.modelRequests.length;
  const sent = fake.modelRequests.map((request) => request.body);
  const requests = recording.fixtures?.requests;
  const drift =
    requests === undefined ? undefined : findDrift(requests.slice(0, until), sent.slice(0, until));
  return {
    result,
    recordedCalls: Math.min(served, until),
    continuedCalls: fork.continuedCalls(),
    ...(drift === undefined ? {} : { drift }),
    unreproduced: findUnreproduced('the top run', responses, Math.min(served, until)),
  };
}

function checkRecording(recording: EvalCase): readonly GenerateContentResponse[] {
  const fail = (message: string): never => {
    throw new InvalidArgumentError({ argument: 'recording', message });
  };
  if (typeof recording !== 'object' || recording === null) {
    return fail('recording must be an eval case, as caseFromRunFile(text, file) makes one.');
  }
  const responses = recording.fixtures?.modelResponses;
  if (!Array.isArray(responses) || responses.length === 0) {
    return fail(
      `case '${recording.id}' has no recorded model answers (fixtures.modelResponses) to replay: make it with caseFromRunFile from a run file.`,
    );
  }
  if (recording.conversation !== undefined || recording.simulatedUser !== undefined) {
    return fail(
      `case '${recording.id}' is a conversation: replayRun forks a single-input run for now.`,
    );
  }
  if ((recording.fixtures?.subagents?.length ?? 0) > 0) {
    return fail(
      `case '${recording.id}' has subagent runs: replayRun forks a run without subagents for now.`,
    );
  }
  return responses;
}

/**
 * A client whose first `until` model calls go to `recorded` and the rest to `next`. Anything
 * else (counting tokens, models, caches) is `next`'s: it is the client the run continues on.
 */
function forkAt(
  recorded: Gemini,
  next: Gemini,
  until: number,
): { gemini: Gemini; continuedCalls: () => number } {
  let calls = 0;
  let continued = 0;
  const pick = (): Gemini => {
    if (calls++ < until) return recorded;
    continued++;
    return next;
  };
  const entries = new Map<Gemini, ModelCallEntry>([
    [recorded, modelCallEntryOf(recorded)],
    [next, modelCallEntryOf(next)],
  ]);
  const entryOf = (client: Gemini): ModelCallEntry => entries.get(client) as ModelCallEntry;
  const gemini: Gemini = {
    baseUrl: next.baseUrl,
    ...(next.platform === undefined ? {} : { platform: next.platform }),
    apiVersion: next.apiVersion,
    generateContent: (request, callOptions) => pick().generateContent(request, callOptions),
    streamGenerateContent: (request, callOptions) =>
      pick().streamGenerateContent(request, callOptions),
    countTokens: (request, callOptions) => next.countTokens(request, callOptions),
    listModels: (listOptions) => next.listModels(listOptions),
    getModel: (model, callOptions) => next.getModel(model, callOptions),
    caches: next.caches,
  };
  // The agent calls a client through its internal entry: each call goes to its client's own, so
  // the request is sent as that client sends it, and what the run reports is scrubbed of the
  // keys of both (a wrapper's public methods alone would leave `next`'s key unknown to the agent).
  // `held` goes to both: each keys an observed run's memo by its own secrets, so a long text of
  // the history is scanned once a run, not at every step.
  const redactNext = entryOf(next).redact;
  const redactRecorded = entryOf(recorded).redact;
  registerModelCallEntry(gemini, {
    generate: (input) => entryOf(pick()).generate(input),
    stream: (input) => entryOf(pick()).stream(input),
    redact: (value, held) => redactNext(redactRecorded(value, held), held),
  });
  return { gemini, continuedCalls: () => continued };
}

// The keys of replayRun's options, each checked below or where it is used: a misspelt `stream`
// ran the fork unary, a misspelt `signal` left it unstoppable (attack16).
const replayRunKeys: DeclaredOptions<ReplayRunOptions> = defineOptions<ReplayRunOptions>({
  name: 'replayRun',
  example: '{ until: 2, continueOn: createGemini(), createAgent }',
  checks: {
    createAgent: checkedWhereUsed,
    until: checkedWhereUsed,
    continueOn: checkedWhereUsed,
    streaming: checkedWhereUsed,
    signal: checkedWhereUsed,
  },
});
