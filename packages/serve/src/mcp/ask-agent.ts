import type { Agent, AgentEvent } from '@gemloop/core';
import {
  boundedToolName,
  keylessEventsShowing,
  type ScanMemo,
  toBrowserError,
} from '@gemloop/core/internal';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { DoorTelemetry } from '../door/door-telemetry.ts';
import type { OpenedSession, OwnedSessions } from './owned-sessions.ts';

/** What the SDK gives a tool call's handler: the request's abort signal, its `_meta`, notifications. */
export type CallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_MESSAGE_CHARS = 100_000;
/**
 * The longest progress token taken. Each progress note carries the token back, one per step and
 * tool call, so an unbounded token multiplied the request: 512 KB gave a 22 MB answer for a run
 * of 20 calls (attack-doors10). MCP sets no length; the SDKs send the request's id.
 */
const MAX_PROGRESS_TOKEN_CHARS = 1024;

/** The input schema of every `ask_<agent>` tool. @internal */
export const askInputSchema = {
  type: 'object',
  properties: {
    message: { type: 'string', description: 'What to ask the agent.' },
    sessionId: {
      type: 'string',
      description:
        'Continues a conversation: the first call with an id starts it, later calls with the same id continue it. Leave it out for a one-off question.',
    },
  },
  required: ['message'],
} as const;

/** The output schema of every `ask_<agent>` tool. @internal */
export const askOutputSchema = {
  type: 'object',
  properties: { answer: { type: 'string' }, sessionId: { type: 'string' } },
  required: ['answer'],
} as const;

/**
 * One `ask_<agent>` call: the run (in the caller's chat session when it names one), progress
 * notifications from the run's events when the client sent a `progressToken`, and the SDK's
 * abort signal (the client's `notifications/cancelled`, or the connection gone) aborting the run.
 * @internal
 */
export async function askAgent(
  call: {
    agentName: string;
    agent: Agent;
    args: Record<string, unknown> | undefined;
    owner: string;
    extra: CallExtra;
  },
  context: {
    sessions: OwnedSessions;
    onError: (error: unknown) => void;
    telemetry: DoorTelemetry;
    /** The door's texts found clean, across a session's sends (`keylessEvents`). */
    scanned: ScanMemo;
  },
): Promise<CallToolResult> {
  const { agentName, agent, owner, extra } = call;
  const { message, sessionId } = readAskArgs(call.args);
  const token = extra._meta?.progressToken;
  if (typeof token === 'string' && token.length > MAX_PROGRESS_TOKEN_CHARS) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `_meta.progressToken: at most ${MAX_PROGRESS_TOKEN_CHARS} characters, or an integer.`,
    );
  }
  // A named session is claimed before the run (a busy one refused as bad params), and released
  // at the end however the run ended.
  const session =
    sessionId === undefined
      ? undefined
      : claimSession(context.sessions, { sessionId, owner, agentName, agent });
  const progress = progressReporter(extra);
  try {
    // Started within the `try`: a start that throws (the door's tracer, as it opens the span)
    // went to the SDK, which answered it as a JSON-RPC error quoting its message, unreported to
    // `onError`, the session left claimed for good (doors67).
    const run = context.telemetry.run(
      {
        door: 'mcp',
        operation: 'tools/call',
        agent: agentName,
        streaming: true,
        signal: extra.signal,
      },
      // Only the answer's text is sent of the result (and nothing of `run-end`): only it is
      // scanned, not a session's whole thread at every send (scrub48).
      () =>
        session === undefined
          ? keylessEventsShowing(agent.stream(message, { signal: extra.signal }), answerOf)
          : keylessEventsShowing(
              session.chat.sendStream(message, { signal: extra.signal }),
              answerOf,
              context.scanned,
            ),
      (running) => running.result,
    );
    // Its failure is read below, or by the `catch` from the iteration: never unhandled.
    run.result.catch(() => {});
    for await (const event of run) progress(describeEvent(event));
    const result = await run.result;
    return {
      content: [{ type: 'text', text: result.text }],
      structuredContent: {
        answer: result.text,
        ...(sessionId === undefined ? {} : { sessionId }),
      },
    };
  } catch (error) {
    // A cancelled call gets no answer (the SDK drops it); a failed one gets fixed words only,
    // never the error's message, which may quote a tool's failure or a key (issue 52).
    if (!extra.signal.aborted) context.onError(error);
    const shown = toBrowserError(error, undefined);
    return {
      isError: true,
      content: [{ type: 'text', text: `${shown.message} (${shown.code ?? 'run_failed'})` }],
    };
  } finally {
    await session?.release();
  }
}

/** `sessionId`'s session claimed for this call, or an `InvalidParams` error saying why not. */
function claimSession(
  sessions: OwnedSessions,
  call: { sessionId: string; owner: string; agentName: string; agent: Agent },
): Exclude<OpenedSession, { refused: unknown }> {
  const opened = sessions.open(call.sessionId, call.owner, call.agentName, call.agent);
  if (!('refused' in opened)) return opened;
  throw new McpError(
    ErrorCode.InvalidParams,
    opened.refused === 'busy'
      ? 'sessionId: this session is answering another message; wait for it and send again.'
      : "sessionId: this session's history was dropped to keep the server's memory bounded; send again to start it anew, or with another sessionId.",
  );
}

function readAskArgs(args: Record<string, unknown> | undefined) {
  const message = args?.['message'];
  if (typeof message !== 'string' || message.length === 0 || message.length > MAX_MESSAGE_CHARS) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `message: a non-empty string of at most ${MAX_MESSAGE_CHARS} characters is required.`,
    );
  }
  const sessionId = args?.['sessionId'];
  if (sessionId !== undefined && (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId))) {
    throw new McpError(
      ErrorCode.InvalidParams,
      'sessionId: 1 to 128 letters, digits and . _ : - (or leave it out).',
    );
  }
  return { message, sessionId: sessionId as string | undefined };
}

/**
 * Sends `notifications/progress` for the call when the client asked for it (a `progressToken` in
 * the request's `_meta`, as the SDK's `onprogress` option sends); a client that did not ask gets
 * none (MCP spec, "Progress").
 */
function progressReporter(extra: CallExtra) {
  const token = extra._meta?.progressToken;
  let progress = 0;
  return (message: string | undefined) => {
    if (token === undefined || message === undefined || extra.signal.aborted) return;
    progress += 1;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, message },
      })
      .catch(() => {
        // A client gone mid-run: its run is aborted by the signal, nothing to tell it.
      });
  };
}

/**
 * Progress words for the events worth one: steps and tool calls, by tool name only (no args), a
 * made-up name past a declared one's 128 characters cut as a page is shown it (a 2 MB name was two
 * notes of 2 MB; the MCP spec's `message` is any string).
 */
function describeEvent(event: AgentEvent): string | undefined {
  const who = event.path.length === 0 ? '' : `${event.path.join(' > ')}: `;
  if (event.type === 'step-start') return `${who}step ${event.stepNumber}`;
  if (event.type === 'tool-call') return `${who}calling ${boundedToolName(event.toolName)}`;
  if (event.type === 'tool-result') return `${who}${boundedToolName(event.toolCall.toolName)} done`;
  if (event.type === 'tool-error') return `${who}a tool failed`;
  return undefined;
}

/** What the door sends of a run's result: its answer's text. */
type Answer = { text: string };

function answerOf(result: Answer): Answer {
  return { text: result.text };
}
