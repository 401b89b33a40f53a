import { AGENT_CARD_PATH, type Message, Role, TaskState } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { type DefinedTool, defineTool, type ToolExecuteContext } from '@gemloop/core';
import {
  childRunParent,
  DelegatedFailure,
  emitAt,
  markChildRunTool,
  runLinkOf,
  sleep,
} from '@gemloop/core/internal';
import { textPart } from '../task-parts.ts';
import type { A2AAgentOptions } from './a2a-agent-options.ts';
import { checkA2AAgentOptions } from './check-a2a-agent-options.ts';
import { createA2AFetch } from './create-a2a-fetch.ts';
import { createAnswerReader } from './create-answer-reader.ts';

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
 * remote task (`CancelTask`). A task that ends failed, rejected or canceled is a failed call, as
 * a throwing tool's (a `tool-error` with `execution-error`, its span an error, `toolErrors:
 * 'throw'` ending the run): the model gets `{ error: 'The remote agent <name> failed the task:
 * <its status text>' }`, which the guardrails' `onToolError` may rewrite (it gets an `Error` with
 * those words).
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
  const options = checkA2AAgentOptions(given);
  const { name, url } = options;
  const fetchImpl = createA2AFetch(options);
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
      // A failed call, as a failed subagent's (before, a result `{ error: { agent, message } }`:
      // a success to the events, span, run file, `toolErrors: 'throw'` and the loop guard).
      const told = `The remote agent ${name} ${failure} the task${reader.statusText === '' ? '.' : `: ${reader.statusText}`}`;
      throw new DelegatedFailure(told, new Error(told), undefined, undefined, undefined);
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

/** `promise`, or the signal's reason once it aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
