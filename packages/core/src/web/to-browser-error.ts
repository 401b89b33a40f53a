import { GemloopError } from '../errors/gemloop-error.ts';
import type { BrowserError } from './browser-event.ts';

// A message a page shows is one paragraph; a gateway's HTML error page is not.
const MAX_MESSAGE = 1000;

const RUN_FAILED = 'The run failed.';

// What a page is told of each of gemloop's errors: fixed words by `code`, never the error's own
// message. Messages are written for the developer and quote what the run met: a guardrail's
// thrown error (a classifier's URL and key), a gateway's address (`ECONNREFUSED 10.0.0.5:8080`),
// the base URL, a tool's or a store's failure (issue 52). The details go to `onError` (the
// server's log) and the spans; a page gets the code to tell failures apart.
const PAGE_MESSAGES: Readonly<Record<string, string>> = {
  'agent-aborted': 'The run was stopped.',
  'agent-closed': 'The server is shutting down; try again.',
  'api-call': 'The model could not be reached.',
  'model-call': 'The model could not be reached.',
  stream: "The model's answer broke off.",
  'response-too-large': "The model's answer was too large.",
  'invalid-model-response': 'The model sent an answer that could not be used.',
  'foreign-response': 'The model could not be reached.',
  'interaction-failed': 'The model could not finish the answer.',
  continuation: 'The model could not finish the answer.',
  timeout: 'The run took too long and was stopped.',
  'tool-timeout': 'A tool took too long.',
  'tool-input': 'The model called a tool with arguments it does not take.',
  'unknown-tool': 'The model called a tool the agent does not have.',
  'tool-execution': 'A tool failed.',
  'tool-close': 'A tool failed to close.',
  'output-validation': "The model's answer did not have the expected form.",
  'guardrail-tripped': 'A guardrail stopped the run.',
  subagent: 'A subagent failed.',
  'tree-budget': 'The run reached its spending limit.',
  'chat-budget-exceeded': 'The chat reached its spending limit.',
  'agent-run': 'A hook of the agent failed.',
  // A plugin's hook threw (a `PluginError`, and a `ModelCallLimitError`, which keeps the code):
  // its message quotes what the hook threw, a driver's text with its host and key (errors43).
  plugin: 'A plugin of the agent failed.',
  'chat-store': 'The chat history could not be read or saved.',
  'chat-store-locked': 'The chat is in use by another process.',
  'chat-history-corrupt': 'The chat history could not be read.',
  'invalid-history': 'The conversation history could not be used.',
  'vertex-auth': 'The server could not authenticate to Vertex AI.',
  'missing-api-key': 'The server is not set up to call the model.',
  'invalid-argument': 'The server could not start the run.',
  steering: 'A message for the run could not be applied.',
  compaction: 'The conversation could not be shortened.',
  'context-window': 'The conversation is too long for the model.',
  'run-access-denied': 'The run is not open to this caller.',
  // page-words44: words for every other code a gemloop package throws (test/page-messages.test.ts
  // fails for a code without them). Each says what happened and, where the page's user can do
  // something, what: none names a file, a host, a tool's arguments or the thrown message.
  'agent-background': 'The server is not set up to run this agent.',
  'batch-job': 'A batch job of the model service did not finish.',
  'budget-reservation': 'The service is at its spending limit for now; try again later.',
  'embedding-length': "The agent's memory could not be searched.",
  'file-not-found': 'A file the run needs is no longer there; upload it again.',
  'file-processing': 'An uploaded file could not be processed; try another file.',
  'file-search-operation': 'A document could not be added to the search.',
  upload: 'A file could not be uploaded; try again.',
  'unsupported-endpoint': 'The model service does not offer what the run asked for.',
  'invalid-tool-result': 'A tool gave an answer that could not be used.',
  'live-session': 'The live session ended with an error.',
  memory: "The agent's memory could not be read or saved.",
  'missing-thought-signature':
    'The conversation lacks data the model needs to go on; start a new conversation.',
  // A package the server's code needs is not installed or not in its bundle: the operator's fix,
  // nothing the page can change by trying again.
  'missing-dependency': 'The server is missing a part it needs to run the agent.',
  'model-request-limit': 'A plugin of the agent made too many model requests.',
  'run-message': 'A message for the run was refused.',
  'schema-library-not-loaded': 'The server was not ready to run the agent; try again.',
  'tool-result-cache': 'A saved tool result could not be used.',
  'unsafe-pattern': 'The agent has an unsafe input check, so the server did not run it.',
  'webhook-signature': 'A notification could not be verified.',
  // @gemloop/dbos: a durable run's and its stores' failures.
  // A DurableRunError whose cause is none of gemloop's (a door tells a gemloop cause's words):
  // the run failed, was cancelled or is not there, so nothing more precise holds for all three.
  'durable-run': 'The run did not finish.',
  'durable-run-data': "The run's stored data could not be read.",
  // Core's durable event stream's own end for a run whose stored events stop without one (no
  // error class: `toDurableEventStreamResponse` makes it up, see `endedWithoutResult`).
  'run-ended-without-result': 'The run ended without a result.',
  'durable-run-input-too-large': 'The request is too large to run.',
  'durable-replay-mismatch': 'The run could not be resumed on this version of the server.',
  'unknown-handoff-agent': 'The run handed off to an agent this server does not have.',
  'approval-not-pending': 'That call is no longer waiting for approval.',
  'chat-session-conflict': 'The chat changed elsewhere meanwhile; send the message again.',
  'durable-chat-history': 'The earlier messages of this chat are gone; send the message again.',
  'artifact-store-limit': 'A tool output was too large to keep.',
  'budget-pool-row': "The service's spending limit could not be read.",
  'postgres-unreachable': "The server's database could not be reached.",
  'embedded-postgres': "The server's database could not be started.",
  'mixed-fleet': 'The server could not start beside workers of another version.',
  'worker-already-running': 'The server could not start its worker: one already runs.',
  // @gemloop/serve: a door's refusals (answered before any run) and its outgoing calls.
  'openai-request': 'The request was refused.',
  'a2a-request': 'The request was refused.',
  'ag-ui-request': 'The request was refused.',
  'mcp-request': 'The request was refused.',
  'mcp-door-closed': 'The server is shutting down.',
  'insufficient-scope': 'This sign-in does not allow the request.',
  'media-part-refused': 'An image, audio or file in the request was refused.',
  'a2a-card-url': 'A remote agent could not be called.',
  'a2a-push-notification': 'A notification could not be sent.',
  // @gemloop/tools: most reach the model as a failed call rather than end the run.
  calculator: 'A calculation failed.',
  'date-time': 'A date or time could not be worked out.',
  'file-tool': 'A file tool failed.',
  'web-fetch': 'A web page could not be fetched.',
  skill: 'A skill of the agent could not be used.',
  'mcp-server': 'A tool server could not be used.',
  'mcp-tool-call': 'A tool of a tool server failed.',
  // The CLI's and the evals' own, should one end a served run.
  'cli-flag': 'The server was started with an option it cannot use.',
  'eval-dataset': 'An evaluation dataset could not be read.',
  'report-file': 'A report file could not be written.',
};

/**
 * The error a page gets for a run whose stored events ended without its end: coded, so a page
 * tells it from other failures, in the table's words.
 * @internal
 */
export function endedWithoutResult(): BrowserError {
  return {
    name: 'Error',
    code: 'run-ended-without-result',
    message: PAGE_MESSAGES['run-ended-without-result'] ?? RUN_FAILED,
  };
}

/**
 * What a page may see of a run's failure: the error's class name and `code` when it is one of
 * gemloop's, with a fixed message for that code (an API error's HTTP status added), never the
 * error's own message, stack or `cause`; anything else as `The run failed.`. `expose` may say
 * otherwise (its answer is bounded; a throw is ignored).
 * @internal
 */
export function toBrowserError(
  error: unknown,
  expose: ((error: unknown) => BrowserError | undefined) | undefined,
): BrowserError {
  // What expose returns is read once, inside the guard: a getter that throws or a value that is
  // no { name, message } of strings falls back to the fixed words.
  const custom = safely(() => {
    const value = expose?.(error);
    return value === undefined ? undefined : bounded(value);
  });
  if (custom !== undefined) return custom;
  if (!GemloopError.isInstance(error)) return { name: 'Error', message: RUN_FAILED };
  const code = safely(() => error.code);
  const name = safely(() => error.name);
  // Own keys only: a code named 'toString' must not read Object.prototype's function.
  const fixed =
    typeof code === 'string' && Object.hasOwn(PAGE_MESSAGES, code)
      ? PAGE_MESSAGES[code]
      : undefined;
  const phase = code === 'guardrail-tripped' ? guardrailPhase(error) : undefined;
  const status = httpStatus(error);
  const message =
    phase !== undefined
      ? `A guardrail stopped the run (${phase}).`
      : status !== undefined
        ? `The model service answered with an error (HTTP ${status}).`
        : (fixed ?? RUN_FAILED);
  const shown: BrowserError = {
    name: typeof name === 'string' ? name : 'Error',
    ...(typeof code === 'string' ? { code } : {}),
    message,
  };
  return bounded(shown) ?? shown;
}

/** A guardrail error's phase, when it is one of the known words. */
function guardrailPhase(error: object): string | undefined {
  const phase = safely(() => (error as { phase?: unknown }).phase);
  return phase === 'input' ||
    phase === 'output' ||
    phase === 'tool-input' ||
    phase === 'tool-output'
    ? phase
    : undefined;
}

/**
 * The HTTP status of an API error (the error itself, or a model call's cause): a number says what
 * went wrong (429, 503) without a word of the response or the URL. `undefined` when the request
 * got no response (a network failure) or the error is not an API call's.
 */
function httpStatus(error: GemloopError): number | undefined {
  const apiError =
    error.code === 'model-call' ? safely(() => (error as { cause?: unknown }).cause) : error;
  if (!GemloopError.isInstance(apiError) || apiError.code !== 'api-call') return undefined;
  const status = safely(() => (apiError as { status?: unknown }).status);
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? status
    : undefined;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** `error` cut to its bounds, or `undefined` when it is no { name, message } of strings. */
function bounded(error: BrowserError): BrowserError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, message } = error;
  if (typeof name !== 'string' || typeof message !== 'string') return undefined;
  return {
    name: cut(name, 100),
    ...(code === undefined ? {} : { code: cut(String(code), 100) }),
    message: message.length > MAX_MESSAGE ? `${cut(message, MAX_MESSAGE)}...` : message,
  };
}

/** The first `length` characters of `text`, never ending on half of a surrogate pair. */
function cut(text: string, length: number): string {
  const last = text.charCodeAt(length - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}
