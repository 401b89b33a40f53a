import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { describeValue } from '../../options/define-options.ts';
import type {
  ComputerUse,
  ComputerUseEnvironment,
  ComputerUseSafetyPolicy,
} from '../../wire/request.ts';
import { toolResult } from '../responses/tool-result.ts';
import type {
  BuiltinTool,
  FunctionTool,
  ToolExecuteContext,
  ToolResultWithParts,
} from '../tool.ts';
import { stringList } from './built-in-tools.ts';
import { readSafetyDecision, SAFETY_DECISION_KEY, type SafetyDecision } from './safety-decision.ts';

/**
 * The predefined UI actions of computer use, as the model calls them (ai.google.dev/gemini-api/
 * docs/computer-use, "Supported actions"): coordinates `x`, `y` are on a 1000 x 1000 grid over the
 * screen, whatever its size; the executor scales them.
 */
export const COMPUTER_USE_ACTIONS = [
  'open_web_browser',
  'wait_5_seconds',
  'go_back',
  'go_forward',
  'search',
  'navigate',
  'click_at',
  'hover_at',
  'type_text_at',
  'key_combination',
  'scroll_document',
  'scroll_at',
  'drag_and_drop',
] as const;

/** One action the model asked for: its name and its arguments (`safety_decision` taken out). */
export type ComputerUseAction = {
  /** `click_at`, `type_text_at`, `navigate`, ... (or an action newer than this list). */
  name: string;
  /** The action's arguments as the model sent them, e.g. `{ x: 500, y: 240 }`. */
  args: Record<string, unknown>;
  /** The safety decision attached to the call, if any (already confirmed when it asked). */
  safetyDecision: SafetyDecision | undefined;
};

/** What the environment looks like after an action: sent back as the function response. */
export type ComputerUseObservation = {
  /** The page's URL after the action (Google's samples send it for the browser). */
  url?: string | undefined;
  /** A screenshot after the action, sent as a multimodal function response part. */
  screenshot?: { mimeType: string; data: Uint8Array | ArrayBuffer | string } | undefined;
  /** More fields for `functionResponse.response` (an error the action met, ...). */
  response?: Record<string, unknown> | undefined;
};

/** Runs one action in the environment (a browser page, a device) and says what it looks like. */
export type ComputerUseExecutor = (
  action: ComputerUseAction,
  context: ToolExecuteContext,
) => Promise<ComputerUseObservation> | ComputerUseObservation;

/** The options of {@link computerUse}. */
export type ComputerUseOptions = {
  /** Runs each action the model asks for. */
  execute: ComputerUseExecutor;
  /**
   * Where the actions run.
   * @defaultValue `'ENVIRONMENT_BROWSER'`
   */
  environment?: ComputerUseEnvironment | undefined;
  /** Predefined actions the model must not call (they are not handled either). */
  excludedPredefinedFunctions?: readonly string[] | undefined;
  /** Actions newer than {@link COMPUTER_USE_ACTIONS} the executor handles too. */
  additionalActions?: readonly string[] | undefined;
  /** Google's prompt-injection check on screenshots. */
  enablePromptInjectionDetection?: boolean | undefined;
  /** Safety policies to turn off for this tool. */
  disabledSafetyPolicies?: readonly ComputerUseSafetyPolicy[] | undefined;
  /** Time limit of one action, overriding the agent's `toolTimeoutMs`. */
  timeoutMs?: number | undefined;
};

/** A built-in tool that also answers calls: computer use's actions run on the client. */
export type ComputerUseTool = BuiltinTool & {
  readonly type: 'computerUse';
  /**
   * The function tools that answer the predefined actions. The API declares the actions itself
   * ("it automatically populates computer-use specific Function Declarations", `@google/genai`
   * 3.1.0 `Tool.computerUse`), so the agent runs these but never declares them.
   */
  readonly handlers: readonly FunctionTool<Record<string, unknown>, ToolResultWithParts>[];
};

const ACTION_NAME = /^[a-z_][a-z0-9_]{0,63}$/;

/**
 * Computer use (`tools: [{ computerUse: { environment } }]`): the model sees screenshots and
 * calls predefined UI actions (`click_at`, `type_text_at`, `navigate`, ...) that `execute` runs,
 * each answered with the page's URL and a screenshot (a multimodal function response).
 *
 * An action the safety system marks `require_confirmation` (`safety_decision` in its args) goes
 * through the agent's approval path: `beforeToolCall` gets `safetyDecision` and must approve
 * explicitly; the response then carries `safety_acknowledgement: "true"`. Without a hook, or
 * without an explicit approval, the action is not run and the model is told so.
 *
 * Taken by Gemini 3 and later and the 2.5 computer-use preview (`capabilities.computerUse`).
 *
 * @example
 * ```ts
 * tools: [computerUse({ execute: (action) => browser.run(action) })],
 * beforeToolCall: async ({ safetyDecision }) =>
 *   safetyDecision && !(await askUser(safetyDecision.explanation)) ? { type: 'deny', message: 'The user said no.' } : { type: 'approve' },
 * ```
 * @throws {@link InvalidArgumentError} for a missing `execute` or a bad action name.
 */
export function computerUse(options: ComputerUseOptions): ComputerUseTool {
  if (typeof options !== 'object' || options === null || typeof options.execute !== 'function') {
    throw new InvalidArgumentError({
      argument: 'execute',
      message:
        'computerUse() needs execute: a function that runs one action ({ name, args }) and returns { url, screenshot }.',
    });
  }
  const excluded = checkNames(options.excludedPredefinedFunctions, 'excludedPredefinedFunctions');
  const additional = checkNames(options.additionalActions, 'additionalActions');
  checkSettings(options);
  const config: ComputerUse = { environment: options.environment ?? 'ENVIRONMENT_BROWSER' };
  if (excluded.length > 0) config.excludedPredefinedFunctions = excluded;
  if (options.enablePromptInjectionDetection !== undefined) {
    config.enablePromptInjectionDetection = options.enablePromptInjectionDetection;
  }
  if (options.disabledSafetyPolicies !== undefined) {
    // A string was spread into its letters: "FINANCIAL_TRANSACTIONS" became 22 policies.
    config.disabledSafetyPolicies = stringList(
      options.disabledSafetyPolicies,
      'disabledSafetyPolicies',
      'computerUse',
      { of: 'safety policies', example: '"FINANCIAL_TRANSACTIONS"', nonEmpty: false },
    );
  }
  const names = new Set<string>([...COMPUTER_USE_ACTIONS, ...additional]);
  for (const name of excluded) names.delete(name);
  const handlers = [...names].map((name) => actionHandler(name, options));
  return Object.freeze({
    kind: 'builtin',
    type: 'computerUse',
    tool: { computerUse: config },
    handlers: Object.freeze(handlers),
  });
}

function actionHandler(
  name: string,
  options: ComputerUseOptions,
): FunctionTool<Record<string, unknown>, ToolResultWithParts> {
  return Object.freeze({
    kind: 'function',
    name,
    description: `Computer use action ${name} (declared by the API).`,
    // Never sent: the API declares the predefined actions itself.
    declaration: { name },
    timeoutMs: options.timeoutMs,
    parseArgs: (args: unknown) =>
      typeof args === 'object' && args !== null && !Array.isArray(args)
        ? { success: true as const, value: args as Record<string, unknown> }
        : { success: false as const, issues: [{ path: [], message: 'args must be an object' }] },
    async execute(args: Record<string, unknown>, context: ToolExecuteContext) {
      const { [SAFETY_DECISION_KEY]: _decision, ...actionArgs } = args;
      const observation = await options.execute(
        { name, args: actionArgs, safetyDecision: readSafetyDecision(args) },
        context,
      );
      return toObservationResult(name, observation);
    },
  });
}

function toObservationResult(name: string, observation: unknown): ToolResultWithParts {
  if (typeof observation !== 'object' || observation === null) {
    throw new InvalidArgumentError({
      argument: 'execute',
      message: `computerUse execute returned ${observation === null ? 'null' : typeof observation} for ${name}; return { url?, screenshot?, response? }.`,
    });
  }
  const { url, screenshot, response } = observation as ComputerUseObservation;
  if (
    response !== undefined &&
    response !== null &&
    (typeof response !== 'object' || Array.isArray(response))
  ) {
    // Spread, a string or an array would reach the model as `{ "0": ..., "1": ... }`.
    throw new InvalidArgumentError({
      argument: 'execute',
      message: `computerUse execute returned a response for ${name} that is ${Array.isArray(response) ? 'an array' : typeof response}; the response must be an object of fields, such as { error: 'No such button' }.`,
    });
  }
  const fields: Record<string, unknown> = { ...(response ?? {}) };
  if (url !== undefined) fields['url'] = url;
  return toolResult({ response: fields, parts: screenshot === undefined ? [] : [screenshot] });
}

/** The names in a list of action names, read by index (a sparse list's hole was sent as `null`). */
function checkNames(names: readonly string[] | undefined, argument: string): string[] {
  if (names === undefined) return [];
  const fix = `computerUse ${argument} must be a list of action names such as ["drag_and_drop"]`;
  if (!Array.isArray(names)) {
    throw new InvalidArgumentError({ argument, message: `${fix}; got ${describeValue(names)}.` });
  }
  const copy: string[] = [];
  for (let index = 0; index < names.length; index++) {
    const name: unknown = names[index];
    if (typeof name !== 'string' || !ACTION_NAME.test(name)) {
      throw new InvalidArgumentError({
        argument: `${argument}[${index}]`,
        message: `${fix}; [${index}] is ${name === undefined ? 'missing' : describeValue(name)}.`,
      });
    }
    copy.push(name);
  }
  return copy;
}

/**
 * The settings sent or used as they are: an `environment` of 5, an `enablePromptInjectionDetection`
 * of "yes" went to the API for a 400 naming the request, and a `timeoutMs` of -5 to every action.
 */
function checkSettings(options: ComputerUseOptions): void {
  const { environment, enablePromptInjectionDetection, timeoutMs } = options;
  if (environment !== undefined && (typeof environment !== 'string' || environment === '')) {
    throw new InvalidArgumentError({
      argument: 'environment',
      message: `computerUse environment must be a string such as 'ENVIRONMENT_BROWSER', got ${describeValue(environment)}.`,
    });
  }
  if (
    enablePromptInjectionDetection !== undefined &&
    typeof enablePromptInjectionDetection !== 'boolean'
  ) {
    throw new InvalidArgumentError({
      argument: 'enablePromptInjectionDetection',
      message: `computerUse enablePromptInjectionDetection must be true or false, got ${describeValue(enablePromptInjectionDetection)}.`,
    });
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new InvalidArgumentError({
      argument: 'timeoutMs',
      message: `computerUse timeoutMs must be a positive number of milliseconds, got ${describeValue(timeoutMs)}.`,
    });
  }
}
