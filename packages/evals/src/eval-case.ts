import type { Content, GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import type { SimulatedUserSpec } from './simulated-user.ts';

/** A tool call a case expects, by name; `args` are matched by the trajectory scorer's rule. */
export type ExpectedToolCall = {
  name: string;
  args?: Record<string, unknown> | undefined;
};

/** A tool result recorded with a run: what `execute` returned for that name and arguments. */
export type RecordedToolResult = {
  name: string;
  args: unknown;
  output: unknown;
  /**
   * For an `output` of `toolResult()`'s shape (`{ kind: 'tool-result', response, parts }`):
   * `true` when `toolResult()` made it, so a replay answers with its media again; `false` when it
   * was the tool's data, answered as JSON. Absent (a case from before it was recorded): an output
   * of that shape is answered as media, as it was then.
   */
  toolResult?: boolean | undefined;
};

/**
 * The model turns of one subagent run of a recorded agent tree (an agent with `subagent()` tools
 * of `@gemloop/core/composition`): each run records its own model calls in a file of its own.
 */
export type RecordedSubagentRun = {
  /** The run's place in the tree, as its events' `path`: `['search#1']`, `['search#1', 'dig#2']`. */
  path: string[];
  /** The subagent's model answers, in order. */
  modelResponses: GenerateContentResponse[];
  /** The requests the subagent sent then, one per answer. */
  requests?: GenerateContentBody[] | undefined;
};

/**
 * What a recorded run gives a case so it replays offline: the model's answers in order (served
 * by the fake), the requests the agent sent then (compared with the ones it sends now: drift),
 * and the tool results (so a replay needs no live tool; see `EvalAgentContext.recordedToolOutput`).
 * A run of an agent tree also has its subagents' runs: the replay serves each request the answer
 * of the run it comes from (matched by the recorded requests, so parallel subagents may arrive
 * in any order), and a request that differs from its run's recorded one is drift.
 */
export type EvalCaseFixtures = {
  modelResponses: GenerateContentResponse[];
  requests?: GenerateContentBody[] | undefined;
  /**
   * The model the run's run-start line names: a fork rebuilds the agent on it when the recorded
   * requests do not say (a durable run's, read back from Postgres, do not).
   */
  model?: string | undefined;
  /** What every tool of the tree returned, the subagents' own tools included. */
  toolResults?: RecordedToolResult[] | undefined;
  /** The subagent runs of a recorded agent tree, parents before their children. */
  subagents?: RecordedSubagentRun[] | undefined;
};

/** What a case expects; every field is optional, scorers read the ones they need. */
export type EvalExpectation = {
  /** The answer's text. */
  text?: string | undefined;
  /** The tool calls, in order. */
  toolCalls?: ExpectedToolCall[] | undefined;
  /** The structured output (`result.output`). */
  output?: unknown;
};

/**
 * One eval case: a single input, or a conversation (user turns sent one by one to the same
 * history), with an optional history before it, what is expected, tags, and fixtures to replay.
 */
export type EvalCase = {
  /** Unique in its dataset; names the case in reports and compares. */
  id: string;
  /** The input of a single-turn case. */
  input?: string | Content[] | undefined;
  /** The user turns of a multi-turn case, in order. */
  conversation?: string[] | undefined;
  /**
   * A simulated user (a Gemini model with a persona and a goal) who talks with the agent until
   * the goal is met or `maxTurns` pass; needs `runEval({ simulatedUser })`.
   */
  simulatedUser?: SimulatedUserSpec | undefined;
  /** Contents before the first input. */
  history?: Content[] | undefined;
  expected?: EvalExpectation | undefined;
  tags?: string[] | undefined;
  fixtures?: EvalCaseFixtures | undefined;
  /** The recorded run the case came from (a `.gemloop/runs` file), for the viewer's link. */
  runFile?: string | undefined;
};
