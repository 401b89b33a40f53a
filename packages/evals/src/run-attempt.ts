import type { Agent, AgentResult, Content, Gemini } from '@gemloop/core';
import { createGemini, GemloopError, InvalidArgumentError } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { MAX_TIMER_MS } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import { AttemptTimeout, describeError } from './attempt-error.ts';
import type { EvalCase } from './eval-case.ts';
import type { EvalAttempt, EvalUnreproduced } from './eval-result.ts';
import { findDrift } from './replay/find-drift.ts';
import { findUnreproduced, servable } from './replay/find-omitted.ts';
import { loadFake } from './replay/load-fake.ts';
import { recordedToolLookup } from './replay/recorded-tool-lookup.ts';
import { routeRecordedRuns } from './replay/route-recorded-runs.ts';
import type { RunEvalOptions } from './run-eval-options.ts';
import {
  checkScore,
  type EvalRunOutput,
  type EvalToolCall,
  type Score,
  scorerCase,
  scorerCopy,
} from './scorer.ts';
import { nextSimulatedUserTurn } from './simulated-user.ts';

/** What one attempt needs: the suite's options with its mode and clients resolved. @internal */
export type AttemptSettings = RunEvalOptions & {
  createAgent: NonNullable<RunEvalOptions['createAgent']>;
  mode: 'replay' | 'live';
  timeoutMs: number;
  now: () => number;
  liveGemini: Gemini | undefined;
  /** Scrubs the eval's keys from an error's message before it is cut to its bound. */
  redact?: ((text: string) => string) | undefined;
  /** Gets each finished run's output before it is scored (what `runCanary` compares). */
  onRun?: ((evalCase: EvalCase, repeat: number, output: EvalRunOutput) => void) | undefined;
};

/**
 * One attempt of one case: its agent made, driven (a single input or a conversation, with a
 * simulated user), compared with its recording in replay mode, scored, within its time limit.
 * @internal
 */
export async function runAttempt(
  evalCase: EvalCase,
  repeat: number,
  settings: AttemptSettings,
): Promise<EvalAttempt> {
  const started = settings.now();
  const base = {
    caseId: evalCase.id,
    repeat,
    tags: evalCase.tags ?? [],
    ...(evalCase.runFile === undefined ? {} : { runFile: evalCase.runFile }),
  };
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The eval's own signal (runEval's `signal`) stops the attempt as its time limit does.
  const parent = settings.signal;
  let stopWaiting = (): void => {};
  const timedOut = new Promise<never>((_, reject) => {
    timer = startTimer(settings.timeoutMs, () => {
      const error = new AttemptTimeout(`the case took longer than ${settings.timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    });
    if (parent === undefined) return;
    const onAbort = (): void => {
      controller.abort(parent.reason);
      reject(parent.reason);
    };
    if (parent.aborted) onAbort();
    parent.addEventListener('abort', onAbort, { once: true });
    stopWaiting = () => parent.removeEventListener('abort', onAbort);
  });
  let fake: Replay | undefined;
  let results: AgentResult<unknown>[] = [];
  try {
    const work = async (): Promise<{ scores: Score[]; output: EvalRunOutput }> => {
      let gemini: Gemini;
      if (settings.mode === 'replay') {
        fake = await startReplay(evalCase);
        gemini = fake.gemini;
      } else {
        gemini = settings.liveGemini as Gemini;
      }
      const agent = await settings.createAgent({
        gemini,
        evalCase,
        mode: settings.mode,
        ...(settings.model === undefined ? {} : { model: settings.model }),
        recordedToolOutput: recordedToolLookup(evalCase),
      });
      checkAgentModel(agent, settings.model);
      results = await drive(
        agent,
        evalCase,
        controller.signal,
        settings.streaming === true,
        settings.simulatedUser,
      );
      const output = toRunOutput(results);
      settings.onRun?.(evalCase, repeat, output);
      const scores: Score[] = [];
      for (const scorer of settings.scorers) {
        const score = checkScore(
          scorer,
          await scorer.score({
            evalCase: scorerCase(evalCase),
            run: scorerCopy(output),
            signal: controller.signal,
          }),
        );
        if (score !== undefined) scores.push(score);
      }
      return { scores, output };
    };
    const { scores, output } = await Promise.race([work(), timedOut]);
    const drift = fake?.drift();
    const usage = totals(results);
    return {
      ...base,
      status: drift !== undefined ? 'drift' : scores.every((score) => score.pass) ? 'pass' : 'fail',
      scores,
      text: output.text,
      ...(drift === undefined ? {} : { drift }),
      ...unreproducedOf(fake),
      ...usage,
      latencyMs: settings.now() - started,
    };
  } catch (error) {
    controller.abort(error);
    // A replay whose agent went off the recording fails on the fake's exhausted script: that is
    // drift, said as such, not an error.
    const drift = fake?.drift();
    const usage = totals(results);
    return {
      ...base,
      status: drift !== undefined ? 'drift' : 'error',
      scores: [],
      text: '',
      ...(drift === undefined ? { error: describeError(error, settings.redact) } : { drift }),
      ...unreproducedOf(fake),
      ...usage,
      latencyMs: settings.now() - started,
    };
  } finally {
    clearTimeout(timer);
    stopWaiting();
  }
}

/**
 * Refuses an agent built on another model than the one asked for: `createAgent` that ignores
 * `context.model` would run both sides of a canary on one model and call the upgrade safe.
 * @internal
 */
export function checkAgentModel(agent: Agent<unknown>, model: string | undefined): void {
  if (model === undefined || agent.model === model) return;
  throw new InvalidArgumentError({
    argument: 'createAgent',
    message: `createAgent built its agent on '${agent.model}', but this run asks for '${model}': build the agent on context.model (createAgent({ model: context.model ?? 'your-default', ... })).`,
  });
}

/** A replay: the client the agent talks to, and what it found when the run is over. */
type Replay = {
  gemini: Gemini;
  drift: () => ReturnType<typeof findDrift>;
  unreproduced: () => EvalUnreproduced[];
};

/** The attempt's `unreproduced` field: only a replay that served shortened values has one. */
function unreproducedOf(fake: Replay | undefined): { unreproduced?: EvalUnreproduced[] } {
  const found = fake?.unreproduced() ?? [];
  return found.length === 0 ? {} : { unreproduced: found };
}

async function startReplay(evalCase: EvalCase): Promise<Replay> {
  const fixtures = evalCase.fixtures;
  if (fixtures === undefined || fixtures.modelResponses.length === 0) {
    throw new GemloopError({
      message: `case '${evalCase.id}' has no recorded model turns (fixtures.modelResponses) to replay: make it with 'gemloop eval from-runs', or run it live.`,
    });
  }
  const { createFakeGemini } = await loadFake();
  if (fixtures.subagents !== undefined && fixtures.subagents.length > 0) {
    // An agent tree: each request is served from the recorded run it comes from.
    const tree = routeRecordedRuns(fixtures);
    const fake = createFakeGemini({
      script: (request) => ({ raw: tree.answer(request.body) }),
      models: 'pattern',
      signatureValidation: 'off',
    });
    return {
      gemini: createGemini({ apiKey: 'replay', fetch: fake.fetch, retry: false }),
      drift: () => tree.drift(),
      unreproduced: () => tree.unreproduced(),
    };
  }
  const fake = createFakeGemini({
    // Each recorded answer goes back as it was (`raw`): the model's words, calls and their ids.
    script: fixtures.modelResponses.map((response) => ({ raw: servable(response) })),
    models: 'pattern',
    // Recorded signatures are Google's (or shortened by the recorder): the fake cannot have
    // issued them.
    signatureValidation: 'off',
  });
  const gemini = createGemini({ apiKey: 'replay', fetch: fake.fetch, retry: false });
  const recorded = fixtures.requests;
  return {
    gemini,
    unreproduced: () =>
      findUnreproduced('the top run', fixtures.modelResponses, fake.modelRequests.length),
    drift: () =>
      recorded === undefined
        ? fake.modelRequests.length > fixtures.modelResponses.length
          ? findDrift(
              fixtures.modelResponses,
              fake.modelRequests.map((r) => r.body),
            )
          : undefined
        : findDrift(
            recorded,
            fake.modelRequests.map((request) => request.body),
          ),
  };
}

async function drive(
  agent: Agent<unknown>,
  evalCase: EvalCase,
  signal: AbortSignal,
  streaming: boolean,
  simulatedUser: RunEvalOptions['simulatedUser'],
): Promise<AgentResult<unknown>[]> {
  const spec = evalCase.simulatedUser;
  if (spec === undefined && evalCase.conversation === undefined) {
    // A single input: one run on the case's history, as an app calls the agent.
    const input = evalCase.input ?? '';
    const added: Content[] =
      typeof input === 'string' ? [{ role: 'user', parts: [{ text: input }] }] : input;
    const contents = [...(evalCase.history ?? []), ...added];
    return [
      streaming
        ? await agent.stream(contents, { signal }).result
        : await agent.run(contents, { signal }),
    ];
  }
  // A conversation goes through a real chat session, turn by turn, as an app's chat does: its
  // stored history (the case's history seeded as the first turn), its limits, its saves.
  const store = createMemoryHistoryStore();
  const sessionId = `eval-${evalCase.id}`;
  if (evalCase.history !== undefined && evalCase.history.length > 0) {
    await store.append(sessionId, { contents: [...evalCase.history] }, { logger: silentLogger });
  }
  const chat = createChatSession({ agent, store, id: sessionId });
  const send = async (message: string): Promise<AgentResult<unknown>> =>
    streaming
      ? await chat.sendStream(message, { signal }).result
      : await chat.send(message, { signal });
  const results: AgentResult<unknown>[] = [];
  if (spec !== undefined) {
    if (simulatedUser === undefined) {
      throw new InvalidArgumentError({
        argument: 'simulatedUser',
        message: `case '${evalCase.id}' has a simulated user: give runEval({ simulatedUser: { gemini, model } }), the model that plays it.`,
      });
    }
    const transcript: { role: 'user' | 'agent'; text: string }[] = [];
    const maxTurns = spec.maxTurns ?? 5;
    for (let turn = 0; turn < maxTurns; turn++) {
      let message: string;
      if (turn === 0 && spec.firstMessage !== undefined) {
        message = spec.firstMessage;
      } else {
        const next = await nextSimulatedUserTurn({
          gemini: simulatedUser.gemini,
          model: simulatedUser.model ?? 'gemini-3-flash-preview',
          spec,
          transcript,
          signal,
        });
        if (next.done) break;
        message = next.message;
      }
      transcript.push({ role: 'user', text: message });
      const result = await send(message);
      results.push(result);
      transcript.push({ role: 'agent', text: result.text });
    }
    return results;
  }
  for (const turn of evalCase.conversation ?? []) results.push(await send(turn));
  return results;
}

/** What the scorers judge of a case's runs: the last answer, every turn's text, every tool call. @internal */
export function toRunOutput(results: readonly AgentResult<unknown>[]): EvalRunOutput {
  const toolCalls: EvalToolCall[] = results.flatMap((result) =>
    result.steps.flatMap((step) =>
      step.toolCalls.map((call) => ({
        name: call.toolName,
        args: call.rawArgs,
        outcome: call.outcome,
        ...(call.outcome === 'success' ? { output: call.output } : {}),
        ...(call.error === undefined ? {} : { error: call.error }),
      })),
    ),
  );
  const last = results.at(-1);
  return {
    text: last?.text ?? '',
    turns: results.map((result) => result.text),
    output: last?.output,
    toolCalls,
  };
}

function totals(results: readonly AgentResult<unknown>[]): {
  totalTokens: number;
  costUsd: string | null;
} {
  let totalTokens = 0;
  let cost: number | null = 0;
  for (const result of results) {
    totalTokens += result.usage.totalTokenCount;
    cost = cost === null || result.cost.total === null ? null : cost + Number(result.cost.total);
  }
  return { totalTokens, costUsd: cost === null ? null : String(cost) };
}

/**
 * A timer of `ms`, or none past {@link MAX_TIMER_MS}: Node runs a longer timer after 1 ms (with a
 * TimeoutOverflowWarning), which timed out every attempt of `timeoutMs: Infinity`. @internal
 */
export function startTimer(
  ms: number,
  fire: () => void,
): ReturnType<typeof setTimeout> | undefined {
  return ms > MAX_TIMER_MS ? undefined : setTimeout(fire, ms);
}
