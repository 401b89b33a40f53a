import {
  AGENT_CARD_PATH,
  type Message,
  type Part,
  Role,
  type StreamResponse,
  type Task,
  TaskState,
} from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { type DefinedTool, defineTool, type ToolExecuteContext } from '@gemloop/core';
import { ApiCallError, ResponseTooLargeError } from '@gemloop/core/errors';
import {
  capResponseBody,
  checkAllowInsecureHttp,
  checkHeaders,
  childRunParent,
  emitAt,
  isRedirectResponse,
  markChildRunTool,
  redirectTarget,
  refuseClearTextHttp,
  runLinkOf,
} from '@gemloop/core/internal';
import { failOption } from '../../door/check-door-options.ts';
import { isRecord } from '../../openai/to-contents.ts';
import { isHttpUrl } from '../check-a2a-options.ts';
import { textPart } from '../task-parts.ts';
import type { A2AAgentOptions } from './a2a-agent-options.ts';
import { A2ACardUrlError } from './a2a-card-url-error.ts';

/** The arguments the parent model gives a remote A2A agent. */
export type A2AAgentArgs = {
  /** What the remote agent should do, with everything it needs to know. */
  task: string;
  /** The `contextId` of an earlier answer of this agent, to continue that conversation. */
  contextId?: string | undefined;
  /**
   * The `taskId` of an earlier answer with `inputRequired`: this call's `task` is the reply the
   * remote task asked for (its `question`), and the same remote task goes on.
   */
  taskId?: string | undefined;
};

const PARAMETERS = {
  type: 'object',
  properties: {
    task: {
      type: 'string',
      description: 'What the agent should do, with everything it needs to know to do it.',
    },
    contextId: {
      type: 'string',
      description:
        'The contextId of an earlier answer of this agent, to continue that conversation; leave it out to start a new one.',
    },
    taskId: {
      type: 'string',
      description:
        'Only to reply to an earlier answer with inputRequired: its taskId (and contextId); the task is then the reply to its question.',
    },
  },
  required: ['task'],
  additionalProperties: false,
} as const;

/**
 * The most bytes of one answer by default: 16 MiB. Gemini's largest context window is 1,048,576
 * tokens, about 4 MB of text (https://ai.google.dev/gemini-api/docs/models, "Input token
 * limit"; https://ai.google.dev/gemini-api/docs/tokens: a token is about four characters), so an
 * answer four times that could not be handed on to the parent model whole.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** How long a cancel waits for the task's id, and for the remote agent to answer it. */
const CANCEL_LIMIT_MS = 10_000;
/** How often a task of a remote agent that does not stream is read: doubling, up to the most. */
const POLL_FIRST_MS = 250;
const POLL_MOST_MS = 5000;

const TERMINAL_FAILURES: ReadonlyMap<TaskState, string> = new Map([
  [TaskState.TASK_STATE_FAILED, 'failed'],
  [TaskState.TASK_STATE_REJECTED, 'rejected'],
  [TaskState.TASK_STATE_CANCELED, 'canceled'],
]);

/**
 * A remote A2A agent (https://a2a-protocol.org, spec v1.0; any server the `@a2a-js/sdk` client
 * talks to, a gemloop one of `createA2AHandler` included) as a tool of a gemloop agent, the way
 * `subagent()` makes a local agent one: the parent model calls it with a `task` and gets
 * `{ answer, contextId }`, and passes the `contextId` back to continue that conversation.
 *
 * The call streams (`SendStreamingMessage`) when the card says the agent streams: the answer's
 * text comes through the parent's `agent.stream()` as `text-delta` events with `path:
 * ['<name>#<n>']`, as a subagent's do. The parent's abort (or the call's `timeoutMs`) cancels the
 * remote task (`CancelTask`). A task that ends failed, rejected or canceled answers the call with
 * `{ error: { agent, message } }`, which Gemini reads as the function's failure.
 *
 * @example
 * ```ts
 * const planner = createAgent({
 *   gemini,
 *   model,
 *   tools: [
 *     a2aAgent({
 *       url: 'https://support.example.com/a2a',
 *       name: 'support',
 *       description: 'Answers questions about orders.',
 *       headers: { authorization: `Bearer ${process.env.SUPPORT_TOKEN}` },
 *     }),
 *   ],
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a bad option (url, name, ...), or a plain `http://` url
 * (or allowCardOrigins entry) on a host that is not loopback without `allowInsecureHttp: true`.
 */
export function a2aAgent(given: A2AAgentOptions): DefinedTool<A2AAgentArgs, unknown> {
  // Each option read once (attack17): a getter could pass the check with an https url (or a
  // record of headers) and give the calls another.
  const options = checkOptions(given);
  const { name, url } = options;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // The calls go to the remote's own origin only (and those the user allows). Its card names
  // where the JSON-RPC calls go, and a card (a compromised remote, a poisoned cache) that named
  // another host had this server call it, credentials and all: an internal address, say.
  const origin = new URL(url).origin;
  const allowed = new Set([origin, ...(options.allowCardOrigins ?? []).map(originOf)]);
  // Checked here (a record) or per request (a function), never echoing a value: a value Headers
  // refuses (a line break inside a token read from a file) threw undici's TypeError, which
  // quotes the value, token and all, into the tool error the model, the spans and the
  // recording get (attack17).
  const headersOption = options.headers;
  const fixedHeaders =
    typeof headersOption === 'function' ? undefined : checkHeaders(headersOption, 'headers');
  const fetchImpl: typeof fetch = async (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (!allowed.has(originOf(target))) {
      throw new A2ACardUrlError({ agent: name, cardUrl: target, origin });
    }
    const extra =
      typeof headersOption === 'function'
        ? checkHeaders(await headersOption(), 'headers')
        : fixedHeaders;
    const headers = new Headers(init?.headers);
    for (const [key, value] of Object.entries(extra ?? {})) headers.set(key, value);
    // The SDK reads a unary answer whole (`response.json()`) and bounds a stream's events, not the
    // stream: every response is counted, so a remote that answers without end costs the cap.
    // Never followed: fetch drops only `Authorization` on a redirect to another origin
    // (https://fetch.spec.whatwg.org/#http-redirect-fetch), so the rest of `headers` went on to
    // whatever host the Location named, past the origins allowed above (attack12).
    const response = await baseFetch(input, { ...init, headers, redirect: 'manual' });
    if (isRedirectResponse(response)) {
      await response.body?.cancel().catch(() => {});
      throw redirectError(response, target, name);
    }
    return capResponseBody(response, {
      maxBytes,
      tooLarge: (receivedBytes) => {
        const method = methodOf(init?.body);
        return new ResponseTooLargeError({
          message: `The remote A2A agent ${name} (${origin}) answered ${method === undefined ? 'its card' : method} with more than ${maxBytes} bytes: the rest was not read. Raise maxResponseBytes in a2aAgent if its answers are genuinely that large.`,
          url: `${origin}${new URL(target).pathname}`,
          method: `a2a ${method ?? 'agent card'}`,
          status: response.status,
          maxBytes,
          receivedBytes,
        });
      },
    });
  };
  // One client per tool, made from the card on first use; a failure is not kept, so a remote
  // agent that was down is tried again on the next call.
  let client: Promise<Client> | undefined;
  const clientOf = () => {
    client ??= new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      // The card too goes through `fetchImpl` (its headers, the user's fetch, the cap): the SDK's
      // default resolver fetched it with the global fetch, none of them.
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    })
      .createFromUrl(...cardLocation(url))
      .catch((error: unknown) => {
        client = undefined;
        throw error;
      });
    return client;
  };

  const tool = defineTool({
    name,
    description: options.description,
    parameters: PARAMETERS,
    ...(options.timeoutMs === undefined
      ? { timeoutMs: 600_000 }
      : { timeoutMs: options.timeoutMs }),
    execute: (args: unknown, context: ToolExecuteContext) => call(args as A2AAgentArgs, context),
  }) as unknown as DefinedTool<A2AAgentArgs, unknown>;
  // Its calls get their run's link: the answer's events go under the call's path.
  markChildRunTool(tool);
  return tool;

  async function call(args: A2AAgentArgs, context: ToolExecuteContext): Promise<unknown> {
    const link = runLinkOf(context);
    const emit =
      link === undefined
        ? undefined
        : emitAt(
            link.sink,
            childRunParent(link, name, {
              stepNumber: context.step,
              toolCallId: context.toolCallId,
              callIndex: context.callIndex,
            }).path,
          );
    // Made from the remote card on the first call: the parent's abort does not wait for it.
    const a2a = await untilAborted(clientOf(), context.signal);
    const message: Message = {
      messageId: crypto.randomUUID(),
      role: Role.ROLE_USER,
      parts: [textPart(args.task)],
      contextId: args.contextId ?? '',
      taskId: args.taskId ?? '',
      metadata: {},
      extensions: [],
      referenceTaskIds: [],
    };
    const request = { message, configuration: undefined, metadata: {}, tenant: '' } as never;
    // The stream is stopped by this call, not by the parent's signal directly: a parent that
    // aborts before the first event named the task waits for that event (a short while at most)
    // so the remote task can be canceled by its id, not left running.
    const stop = new AbortController();
    let canceling = false;
    const cancelRemote = () => {
      if (canceling || reader.taskId === undefined) return;
      canceling = true;
      // Its own limit: the call's signal is already aborted.
      void a2a
        .cancelTask({ id: reader.taskId, tenant: '', metadata: {} } as never, {
          signal: AbortSignal.timeout(CANCEL_LIMIT_MS),
        })
        .catch(() => undefined)
        .finally(() => stop.abort(context.signal.reason));
    };
    const reader = createAnswerReader(
      (text) => emit?.({ type: 'text-delta', stepNumber: 1, text } as never),
      () => {
        if (context.signal.aborted) cancelRemote();
      },
    );
    let giveUp: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      if (reader.taskId !== undefined) cancelRemote();
      else giveUp = setTimeout(() => stop.abort(context.signal.reason), CANCEL_LIMIT_MS);
    };
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const card = await a2a.getAgentCard();
      if (card.capabilities?.streaming === true) {
        for await (const event of a2a.sendMessageStream(request, { signal: stop.signal })) {
          reader.read(event);
          if (canceling) break;
        }
      } else {
        // Unary: the task back at once (`returnImmediately`), then read until it ends, so an
        // abort knows the id to cancel (a server that ignores it answers with the ended task).
        const immediate = {
          ...(request as object),
          configuration: {
            acceptedOutputModes: [],
            taskPushNotificationConfig: undefined,
            returnImmediately: true,
          },
        } as never;
        reader.result(await a2a.sendMessage(immediate, { signal: stop.signal }));
        for (let wait = POLL_FIRST_MS; reader.pending() && !canceling; ) {
          await sleep(wait, stop.signal);
          reader.result(
            await a2a.getTask({ id: reader.taskId, tenant: '' } as never, { signal: stop.signal }),
          );
          wait = Math.min(wait * 2, POLL_MOST_MS);
        }
      }
    } catch (error) {
      if (!context.signal.aborted) throw error;
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(giveUp);
    }
    if (context.signal.aborted) {
      cancelRemote();
      throw context.signal.reason;
    }
    const failure = reader.state === undefined ? undefined : TERMINAL_FAILURES.get(reader.state);
    if (failure !== undefined) {
      return {
        error: {
          agent: name,
          message: `The remote agent ${name} ${failure} the task${reader.statusText === '' ? '.' : `: ${reader.statusText}`}`,
        },
      };
    }
    if (reader.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
      // The remote task waits for its client: what it asks, and where to send the reply.
      return {
        answer: reader.answer(),
        contextId: reader.contextId,
        inputRequired: true,
        question: reader.statusText,
        taskId: reader.taskId,
      };
    }
    return { answer: reader.answer(), contextId: reader.contextId };
  }
}

/**
 * Follows a task's events: the artifacts' text (an append adds to an artifact, anything else
 * replaces it), the state, the status message, and the text to show as it comes (`onText`: the
 * appended text, never a replacement that repeats it).
 */
function createAnswerReader(onText: (text: string) => void, onTaskId: () => void) {
  const artifacts = new Map<string, string>();
  let messageText = '';
  const reader = {
    taskId: undefined as string | undefined,
    contextId: '',
    state: undefined as TaskState | undefined,
    statusText: '',
    answer: () => (artifacts.size > 0 ? [...artifacts.values()].join('\n') : messageText),
    /** A task that has not ended (a message, or no answer yet, is not pending). */
    pending: () =>
      reader.taskId !== undefined &&
      (reader.state === TaskState.TASK_STATE_SUBMITTED ||
        reader.state === TaskState.TASK_STATE_WORKING),
    read(event: StreamResponse) {
      const payload = event.payload;
      switch (payload?.$case) {
        case 'task':
          reader.task(payload.value);
          break;
        case 'message':
          messageText = textOfParts(payload.value.parts);
          reader.contextId = payload.value.contextId;
          onText(messageText);
          break;
        case 'statusUpdate':
          reader.taskId = payload.value.taskId;
          onTaskId();
          reader.contextId = payload.value.contextId || reader.contextId;
          reader.status(payload.value.status);
          break;
        case 'artifactUpdate': {
          const artifact = payload.value.artifact;
          if (artifact === undefined) break;
          const text = textOfParts(artifact.parts);
          const before = artifacts.get(artifact.artifactId);
          if (payload.value.append && before !== undefined) {
            artifacts.set(artifact.artifactId, before + text);
            onText(text);
          } else {
            artifacts.set(artifact.artifactId, text);
            if (before === undefined || before === '') onText(text);
          }
          break;
        }
        default:
          break;
      }
    },
    task(task: Task) {
      reader.taskId = task.id;
      onTaskId();
      reader.contextId = task.contextId;
      reader.status(task.status);
      for (const artifact of task.artifacts) {
        if (!artifacts.has(artifact.artifactId)) {
          artifacts.set(artifact.artifactId, textOfParts(artifact.parts));
        }
      }
    },
    status(status: Task['status']) {
      if (status === undefined) return;
      reader.state = status.state;
      if (status.message !== undefined) reader.statusText = textOfParts(status.message.parts);
    },
    /** A unary answer: a task (its artifacts) or a message. */
    result(result: Task | Message) {
      if ('artifacts' in result) {
        const before = reader.answer();
        reader.task(result);
        for (const artifact of result.artifacts) {
          artifacts.set(artifact.artifactId, textOfParts(artifact.parts));
        }
        const after = reader.answer();
        // What a read of the task added to the answer, shown as it comes.
        if (after.startsWith(before) && after.length > before.length) {
          onText(after.slice(before.length));
        }
      } else reader.read({ payload: { $case: 'message', value: result } });
    },
  };
  return reader;
}

/** Waits `ms`, or until `signal` aborts (then rejects with its reason). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The JSON-RPC method of a request body the SDK made, or `undefined` (a card's `GET`). */
function methodOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const method = (JSON.parse(body) as { method?: unknown }).method;
    return typeof method === 'string' ? method.slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

/** The origin of `url`; `undefined` for a URL that does not parse. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Where the card of the agent at `url` is, as `createFromUrl` takes it: the SDK resolves its
 * default path (`/.well-known/agent-card.json`) from the origin, so an agent mounted below a path
 * (`https://example.com/a2a`) gets the path relative to it; a URL of a `.json` file is the card.
 */
function cardLocation(url: string): [string, string] {
  const parsed = new URL(url);
  if (parsed.pathname.endsWith('.json')) return [url, parsed.pathname];
  const base = url.endsWith('/') ? url : `${url}/`;
  return [base, AGENT_CARD_PATH.replace(/^\//, '')];
}

function textOfParts(parts: readonly Part[]): string {
  return parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');
}

/** The options, copied (each read once), checked. */
function checkOptions(given: A2AAgentOptions): A2AAgentOptions {
  if (!isRecord(given))
    failOption('options', 'a2aAgent takes an options object: { url, name, description }.');
  const options = { ...given };
  if (Array.isArray(options.allowCardOrigins)) {
    options.allowCardOrigins = [...options.allowCardOrigins];
  }
  if (!isHttpUrl(options.url)) {
    failOption('url', 'url must be the absolute http(s) URL the remote agent card is under.');
  }
  if (typeof options.description !== 'string' || options.description.trim() === '') {
    failOption(
      'description',
      'description must say what the remote agent is for (the model reads it).',
    );
  }
  if (
    options.allowCardOrigins !== undefined &&
    (!Array.isArray(options.allowCardOrigins) ||
      !options.allowCardOrigins.every((each) => isHttpUrl(each)))
  ) {
    failOption(
      'allowCardOrigins',
      "allowCardOrigins must be an array of http(s) origins, such as ['https://a2a.example.com'].",
    );
  }
  if (
    options.maxResponseBytes !== undefined &&
    !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)
  ) {
    failOption(
      'maxResponseBytes',
      'maxResponseBytes must be a positive whole number of bytes, such as 67108864 (64 MiB).',
    );
  }
  if (
    options.headers !== undefined &&
    typeof options.headers !== 'function' &&
    !isRecord(options.headers)
  ) {
    failOption(
      'headers',
      'headers must be an object of header values, or a function that returns one.',
    );
  }
  // The tasks, the answers and `headers` go to these origins: plain http only to loopback, as
  // createGemini's key.
  const allowInsecureHttp = checkAllowInsecureHttp('a2aAgent', options.allowInsecureHttp);
  const clearText = { who: 'a2aAgent', what: 'your headers and the tasks', allowInsecureHttp };
  refuseClearTextHttp(new URL(options.url), { ...clearText, argument: 'url' });
  for (const each of options.allowCardOrigins ?? []) {
    refuseClearTextHttp(new URL(each), { ...clearText, argument: 'allowCardOrigins' });
  }
  return options;
}

/** A redirect, refused: where it pointed (origin and path; the query may hold a token). */
function redirectError(response: Response, target: string, agent: string): ApiCallError {
  const location = response.headers.get('location');
  const where = location === null ? 'another URL' : redirectTarget(location, target);
  const from = new URL(target);
  return new ApiCallError({
    message: `The remote A2A agent ${agent} answered HTTP ${response.status}, a redirect to ${where}. gemloop does not follow redirects, because your headers would go with it: use that address as url if you trust it.`,
    url: `${from.origin}${from.pathname}`,
    method: 'a2a',
    status: response.status,
    isRetryable: false,
  });
}
