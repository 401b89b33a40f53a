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
};

/**
 * What a recorded run gives a case so it replays offline: the model's answers in order (served
 * by the fake), the requests the agent sent then (compared with the ones it sends now: drift),
 * and the tool results (so a replay needs no live tool; see `EvalAgentContext.recordedToolOutput`).
 */
export type EvalCaseFixtures = {
  modelResponses: GenerateContentResponse[];
  requests?: GenerateContentBody[] | undefined;
  toolResults?: RecordedToolResult[] | undefined;
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
