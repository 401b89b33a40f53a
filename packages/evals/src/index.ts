// @gemloop/evals: cases and datasets, the runner (replay through the fake with drift, or live),
// scorers, JSON and JUnit reports, and compare.

export type {
  EvalCase,
  EvalCaseFixtures,
  EvalExpectation,
  ExpectedToolCall,
  RecordedSubagentRun,
  RecordedToolResult,
} from './eval-case.ts';
export { EvalDatasetError } from './eval-dataset-error.ts';
export {
  parseEvalCases,
  toEvalCase,
  MAX_CASES,
  MAX_CASE_LINE_CHARS,
  MAX_DATASET_CHARS,
} from './parse-eval-cases.ts';
export type { CaseFromRunFileOptions, RecordedRunText } from './cases-from-run.ts';
export { caseFromRunFile, MAX_RUN_FILE_CHARS } from './cases-from-run.ts';
export type { EvalEvent } from './eval-event.ts';
export { EVAL_CASE_SPAN, EVAL_SPAN } from './eval-telemetry.ts';
export type { EvalBatchOptions } from './run-batch-attempts.ts';
export type { EvalAgentContext, RunEvalOptions } from './run-eval-options.ts';
export { runEval, MAX_EVAL_CONCURRENCY, MAX_EVAL_REPEATS } from './run-eval.ts';
export type { ReplayRunOptions, ReplayRunResult } from './replay/replay-run.ts';
export { replayRun } from './replay/replay-run.ts';
export type { ForkChange, ForkToolResult } from './fork/fork-change.ts';
export type { AgentFromRecordingOptions } from './fork/agent-from-recording.ts';
export { agentFromRecording } from './fork/agent-from-recording.ts';
export type { ForkAgentContext, ForkRunOptions, ForkRunResult } from './fork/fork-run.ts';
export { forkRun } from './fork/fork-run.ts';
export type {
  RunTrajectory,
  RunTrajectoryCall,
  TrajectoryTokens,
} from './diff/run-trajectory.ts';
export { trajectoryFromResults, trajectoryFromRunFile } from './diff/run-trajectory.ts';
export type {
  ArgumentDrift,
  Delta,
  DiffCall,
  PairedCall,
  RunDiff,
} from './diff/diff-runs.ts';
export { diffRuns, MAX_DIFF_CALLS, MAX_DIFF_PATHS, RUN_DIFF_FORMAT } from './diff/diff-runs.ts';
export { formatRunDiff } from './diff/format-run-diff.ts';
export type {
  EvalAttempt,
  EvalDrift,
  EvalUnreproduced,
  EvalErrorKind,
  EvalResult,
  EvalStatus,
  EvalSummary,
  ScorerSummary,
} from './eval-result.ts';
export { EVAL_RESULT_FORMAT } from './eval-result.ts';
export type { EvalRunOutput, EvalToolCall, Score, ScoreContext, Scorer } from './scorer.ts';
export { defineScorer } from './scorer.ts';
export { type ExactMatchOptions, exactMatch, regexMatch } from './scorers/text-scorers.ts';
export type { EvalJsonSchema } from './scorers/output-scorers.ts';
export { outputEquals, outputMatchesSchema } from './scorers/output-scorers.ts';
export type {
  ArgumentMatch,
  GroundedOptions,
  ToolTrajectoryOptions,
  TrajectoryMatch,
} from './scorers/tool-scorers.ts';
export { grounded, toolArgumentsValid, toolTrajectory } from './scorers/tool-scorers.ts';
export type { LlmJudgeOptions } from './scorers/llm-judge.ts';
export { llmJudge } from './scorers/llm-judge.ts';
export { summarizeAttempts } from './report/summarize-attempts.ts';
export { formatSummary } from './report/format-summary.ts';
export { toJunitXml } from './report/to-junit.ts';
export type { EvalGates } from './report/gate-failures.ts';
export { gateFailures } from './report/gate-failures.ts';
export { MAX_RESULT_CHARS, readEvalResult } from './report/read-eval-result.ts';
export type { CaseChange, CaseComparison, EvalComparison } from './compare-results.ts';
export { compareResults, formatComparison } from './compare-results.ts';
export type { EvalSuite } from './eval-suite.ts';
export { defineEvalSuite } from './eval-suite.ts';
export { loadEvalCases } from './load-eval-cases.ts';
export type { SimulatedUserSpec, SimulatedUserTurn } from './simulated-user.ts';
export { MAX_SIMULATED_TURNS } from './simulated-user.ts';
export type {
  ToolCallComparison,
  TrajectoryArguments,
  TrajectoryCall,
} from './canary/compare-tool-calls.ts';
export { compareToolCalls, trajectoryKey } from './canary/compare-tool-calls.ts';
export type { TrajectoryShift } from './canary/trajectory-shift.ts';
export { fewerMetPValue, trajectoryShift } from './canary/trajectory-shift.ts';
export type {
  CanaryCase,
  CanaryCaseStatus,
  CanaryModelRuns,
  CanaryRequirement,
  CanaryResult,
} from './canary/canary-result.ts';
export { CANARY_RESULT_FORMAT } from './canary/canary-result.ts';
export type { RunCanaryOptions } from './canary/run-canary.ts';
export {
  DEFAULT_CANARY_ALPHA,
  DEFAULT_CANARY_K,
  DEFAULT_REQUIREMENT_ALPHA,
  runCanary,
} from './canary/run-canary.ts';
export { formatCanary } from './canary/format-canary.ts';
export type { CaseTrace, TraceCaseOptions } from './bisect/trace-case.ts';
export { traceCase } from './bisect/trace-case.ts';
export type { BisectResult, BisectStep, CommitTrajectories } from './bisect/bisect-commits.ts';
export { bisectCommits } from './bisect/bisect-commits.ts';
