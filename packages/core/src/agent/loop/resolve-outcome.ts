import { hasClientCall } from '../../history/find-calls-answered-in-turn.ts';
import { listRequiredThoughtSignatures } from '../../history/thought-signatures/list-required-thought-signatures.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidModelResponseError } from '../errors/invalid-model-response-error.ts';
import { MissingThoughtSignatureError } from '../errors/missing-thought-signature-error.ts';
import { formatIssue, OutputValidationError } from '../errors/output-validation-error.ts';
import {
  classifyResponse,
  FINAL_OUTPUT_NOTE,
  outputReaskNote,
  type ResponseOutcome,
  reaskNote,
} from './finish-outcome.ts';
import type { LoopPosition, NextStep } from './next-step.ts';
import { signModelTurn } from './sign-model-turn.ts';

/**
 * Resolves a model step: what its finish reason and content mean for the run (see
 * {@link classifyResponse}), as the {@link NextStep} the loop follows.
 *
 * - Calls: the turn is appended (signed where Gemini 3 needs it) and its calls run.
 * - A bad answer (malformed or unexpected call, empty answer): re-asked with a note, up to
 *   `maxReasks` in a row and while steps are left, then an {@link InvalidModelResponseError}.
 * - An answer: the run ends, unless an `output` schema is set: then the answer is checked and
 *   either ends the run with the parsed output, asks for the JSON in one more call without tools
 *   (`final-call` mode), is re-asked with the schema's issues, or fails with an
 *   {@link OutputValidationError}. A schema that throws fails the run with an
 *   {@link AgentRunError} (its failure, not the model's: not re-asked).
 * - `MISSING_THOUGHT_SIGNATURE`: the run fails with a {@link MissingThoughtSignatureError} naming
 *   the fix (the same history would be refused again).
 * - `MAX_TOKENS`, a block, another stop or a stream cut without a finish signal (`interrupted`):
 *   the run ends, keeping a partial answer but never a turn with calls (they would stay
 *   unanswered).
 * @internal
 */
export function resolveOutcome<Output>(
  config: AgentConfig<Output>,
  step: AgentStep,
  position: LoopPosition,
  foreignChecked?: boolean,
): NextStep<Output> | Promise<NextStep<Output>> {
  // A response without candidates is refused below (re-asked as empty, ended as interrupted,
  // blocked): a 200 body of another API (a base URL at a gateway's OpenAI route) is told apart
  // first, by a module loaded only then, so an answer with candidates pays one field read
  // (leftovers43).
  if (!(foreignChecked || step.response.candidates))
    return import('../errors/foreign-step.ts').then(
      ({ foreignStep }) => foreignStep(step) ?? resolveOutcome(config, step, position, true),
    );
  const { kind } = position;
  // A stream cut cleanly mid-answer has no finish reason, which alone would read as STOP.
  let outcome: ResponseOutcome =
    step.interrupted === true ? { type: 'interrupted' } : classifyResponse(step.response);
  // Without tools in the request, a call is not one the loop may run.
  if (kind === 'final-output' && outcome.type === 'tool-calls')
    outcome = { type: 'reask', reason: 'unexpected-tool-call' };
  const content = step.content;

  if (outcome.type === 'missing-thought-signature') {
    return {
      type: 'fail',
      error: (run) =>
        new MissingThoughtSignatureError({
          finishMessage: step.finishMessage,
          unsigned: listRequiredThoughtSignatures(run.contents).filter((at) => !at.signed),
          run,
        }),
    };
  }

  if (outcome.type === 'reask') return reaskOrFail(config, step, outcome.reason, position);

  if (outcome.type === 'tool-calls' && content !== undefined) {
    const turn = signModelTurn(content, {
      requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
      logger: config.logger,
    });
    return { type: 'run-again', append: turn, calls: turn, kind, reasks: 0 };
  }

  if (outcome.type === 'answer') {
    if (config.output === undefined)
      return { type: 'finish', append: content, finishReason: 'stop' };
    return checkOutput(config, config.output, step, position);
  }

  // MAX_TOKENS, a block, or another stop: the run ends here. A partial answer is kept; a turn
  // with function calls is not (its calls would stay unanswered).
  const append = content !== undefined && !hasClientCall(content.parts) ? content : undefined;
  if (outcome.type === 'max-tokens') return { type: 'finish', append, finishReason: 'max-tokens' };
  if (outcome.type === 'interrupted')
    return { type: 'finish', append, finishReason: 'interrupted' };
  if (outcome.type === 'content-filter') {
    return { type: 'finish', append, finishReason: 'content-filter', blocked: outcome.blocked };
  }
  return { type: 'finish', append, finishReason: 'other' };
}

/**
 * A bad answer (malformed or unexpected call, empty answer): re-asked with a note while re-asks
 * and steps are left, else an {@link InvalidModelResponseError}.
 */
function reaskOrFail<Output>(
  config: AgentConfig<Output>,
  step: AgentStep,
  reason: Extract<ResponseOutcome, { type: 'reask' }>['reason'],
  { kind, reasks, stepsLeft }: LoopPosition,
): NextStep<Output> {
  if (reasks >= config.maxReasks || !stepsLeft) {
    return {
      type: 'fail',
      error: (run) =>
        new InvalidModelResponseError({
          reason,
          finishReason: step.finishReason,
          finishMessage: step.finishMessage,
          attempts: reasks + 1,
          run,
        }),
    };
  }
  // The bad answer is not appended (it may be empty or hold a broken call); the note is a user
  // content of its own after the history.
  const note = reaskNote(reason, {
    finishMessage: step.finishMessage,
    functionNames: kind === 'tools' ? [...config.tools.functions.keys()] : [],
  });
  return { type: 'run-again', note, reask: reason, kind, reasks: reasks + 1 };
}

/**
 * An answer checked against the `output` schema: the parsed output ends the run; else the JSON is
 * asked for in a call without tools (`final-call` mode), the answer re-asked with the schema's
 * issues, or the run fails ({@link OutputValidationError}; {@link AgentRunError} when the schema
 * itself threw).
 */
async function checkOutput<Output>(
  config: AgentConfig<Output>,
  output: NonNullable<AgentConfig<Output>['output']>,
  step: AgentStep,
  { kind, reasks, stepsLeft }: LoopPosition,
): Promise<NextStep<Output>> {
  const content = step.content;
  let parsed: Awaited<ReturnType<typeof output.parse>>;
  try {
    parsed = await output.parse(step.text);
  } catch (thrown) {
    // A transform or refinement of the output schema threw: the schema's failure, not the
    // model's, so it is not re-asked; the answer stays in the history.
    const error = config.redact(thrown);
    return {
      type: 'fail',
      append: content,
      error: (run) =>
        new AgentRunError({
          message: `The output schema threw while checking the answer of step ${step.stepNumber}: ${describeThrown(error)}`,
          run,
          cause: error,
        }),
    };
  }
  if (parsed.success) {
    return { type: 'finish', append: content, finishReason: 'stop', output: parsed.value };
  }
  if (outputModeOf(config, step) === 'final-call' && kind === 'tools') {
    // The tool loop is done; ask for the JSON in a call without tools.
    return {
      type: 'run-again',
      append: content,
      note: FINAL_OUTPUT_NOTE,
      kind: 'final-output',
      reasks: 0,
    };
  }
  const { issues } = parsed;
  if (reasks >= config.maxReasks || !stepsLeft) {
    return {
      type: 'fail',
      append: content,
      error: (run) => new OutputValidationError({ text: step.text, issues, run }),
    };
  }
  const note = outputReaskNote(issues.map(formatIssue));
  return {
    type: 'run-again',
    append: content,
    note,
    reask: 'invalid-output',
    kind,
    reasks: reasks + 1,
  };
}

/**
 * The output mode the step was asked in: its model's. A step a plugin sent to another model (a
 * fallback) was built for that model (`forModel`): a Gemini 2.5 model behind an agent on Gemini 3
 * is asked without the schema beside its tools (`final-call`), so its prose answer is the end of
 * the tool loop, to be followed by the call for the JSON, not an answer to re-ask until the run
 * failed (attack65a). A model no config can be made for never served a step.
 */
function outputModeOf<Output>(
  config: AgentConfig<Output>,
  step: AgentStep,
): AgentConfig<Output>['outputMode'] {
  if (step.model === undefined || config.forModel === undefined) return config.outputMode;
  try {
    return config.forModel(step.model).outputMode;
  } catch {
    return config.outputMode;
  }
}
