import { type BaseEvent, EventType } from '@ag-ui/core';
import { AGUI_MEDIA_TYPE, EventEncoder } from '@ag-ui/encoder';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { readBoundedText, toBrowserError } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { FetchHandler } from '../openai/create-openai-handler.ts';
import { createRateLimiter } from '../openai/rate-limiter.ts';
import { isRecord } from '../openai/to-contents.ts';
import type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
import { AgUiRequestError } from './ag-ui-request-error.ts';
import { readRunInput } from './read-run-input.ts';
import { createThreadIndex } from './thread-index.ts';
import { createAgUiEventMapper } from './to-ag-ui-events.ts';

const MIB = 1024 * 1024;

/**
 * An AG-UI endpoint (https://docs.ag-ui.com) for a gemloop agent, as a Fetch-API handler:
 * `HttpAgent` of `@ag-ui/client`, CopilotKit, or any AG-UI frontend runs the agent with a
 * `POST` of `RunAgentInput` and reads the run as AG-UI events (`EventEncoder` of
 * `@ag-ui/encoder`: server-sent events, or protobuf when the client accepts it).
 *
 * Each `threadId` is a gemloop chat session owned by its first caller: the server keeps the
 * history, and each run answers the input's last message (the user's). The agent's tools run on
 * the server and show as `TOOL_CALL_*` events with secret arguments redacted; a failed run ends
 * in `RUN_ERROR` with fixed words and a code, never the error's own message. A client that closes
 * the stream stops the run.
 *
 * @example
 * ```ts
 * const handler = createAgUiHandler({
 *   agent,
 *   authorize: (request) => ownerOfToken(request.headers.get('authorization')),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for options it cannot serve with.
 */
export function createAgUiHandler(options: AgUiHandlerOptions): FetchHandler {
  const settings = checkOptions(options);
  const { agent, onError } = settings;
  const store = options.store ?? createMemoryHistoryStore();
  const threads = createThreadIndex({ store, maxThreads: settings.maxThreads, onError });
  const limiter =
    settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit, settings.now);

  return async (request) => {
    try {
      if (request.method !== 'POST') {
        throw new AgUiRequestError({
          status: 405,
          errorCode: 'method_not_allowed',
          message: 'An AG-UI run is a POST of RunAgentInput.',
        });
      }
      const owner = await authorizeRequest(request);
      const wait = limiter?.take(owner) ?? 0;
      if (wait > 0) {
        const refused = new AgUiRequestError({
          status: 429,
          errorCode: 'rate_limit_exceeded',
          message: 'Too many runs; retry after the time in retry-after.',
        }).toResponse();
        refused.headers.set('retry-after', String(wait));
        return refused;
      }
      const { input, message, earlier } = readRunInput(
        await readJsonBody(request, settings.maxBodyBytes),
      );
      const thread = threads.open(input.threadId, owner);
      const session = createChatSession({ agent, store, id: thread.key });
      const finish = async () => {
        thread.busy = false;
        await session.close().catch(onError);
      };
      if (thread.fresh && earlier.length > 0) {
        try {
          // A thread the server has not seen: the conversation before it, as one stored turn.
          await store.append(thread.key, { contents: earlier }, { logger: silentLogger });
        } catch (error) {
          await finish();
          throw error;
        }
      }

      const abort = new AbortController();
      const signal = AbortSignal.any([request.signal, abort.signal]);
      // Protobuf only for a client that names AG-UI's media type: the encoder also picks it for
      // `*/*` (what curl and a bare fetch send), which would hand them binary frames.
      const accept = request.headers.get('accept') ?? '';
      const encoder = new EventEncoder(accept.includes(AGUI_MEDIA_TYPE) ? { accept } : {});
      const { threadId, runId } = input;
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          const send = (event: BaseEvent) => {
            if (!abort.signal.aborted) controller.enqueue(encoder.encodeBinary(event));
          };
          const mapper = createAgUiEventMapper(settings);
          send({ type: EventType.RUN_STARTED, threadId, runId } as BaseEvent);
          const run = session.sendStream(message, { signal });
          try {
            for await (const event of run) for (const each of mapper.map(event)) send(each);
            const result = await run.result;
            for (const each of mapper.close()) send(each);
            send({
              type: EventType.RUN_FINISHED,
              threadId,
              runId,
              result: result.text,
            } as BaseEvent);
          } catch (error) {
            run.result.catch(() => {});
            // A caller that went away stopped its own run: nothing for the server's log.
            if (!signal.aborted) {
              onError(error);
              for (const each of mapper.close()) send(each);
              const shown = toBrowserError(error, undefined);
              send({
                type: EventType.RUN_ERROR,
                message: shown.message,
                code: shown.code ?? 'run_failed',
              } as BaseEvent);
            }
          } finally {
            await finish();
            if (!abort.signal.aborted) controller.close();
          }
        },
        cancel() {
          abort.abort();
        },
      });
      return new Response(body, {
        headers: {
          'content-type': encoder.getContentType(),
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        },
      });
    } catch (error) {
      if (AgUiRequestError.isInstance(error)) return error.toResponse();
      onError(error);
      return new AgUiRequestError({
        status: 500,
        errorCode: 'internal_error',
        message: 'The server could not answer the request.',
      }).toResponse();
    }
  };

  async function authorizeRequest(request: Request): Promise<string> {
    const owner = await settings.authorize(request);
    if (owner === null || owner === undefined) {
      throw new AgUiRequestError({
        status: 401,
        errorCode: 'unauthorized',
        message: 'The request has no valid credentials: send Authorization: Bearer <token>.',
      });
    }
    if (typeof owner !== 'string' || owner.length === 0 || owner.length > 1024) {
      throw new InvalidArgumentError({
        argument: 'authorize',
        message:
          "authorize must return the caller's owner id (a non-empty string of at most 1024 characters), or null to refuse the request.",
      });
    }
    return owner;
  }
}

/** The body as JSON: 413 past `maxBytes`, 400 when it is not JSON. */
async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const tooLarge = new AgUiRequestError({
    status: 413,
    errorCode: 'request_too_large',
    message: `The request body is over ${maxBytes} bytes.`,
  });
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge;
  let text: string;
  try {
    text = await readBoundedText(request, maxBytes);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) throw tooLarge;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AgUiRequestError({
      status: 400,
      errorCode: 'invalid_json',
      message: 'The request body is not valid JSON: send RunAgentInput as JSON.',
    });
  }
}

function checkOptions(options: AgUiHandlerOptions) {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message });
  };
  if (!isRecord(options))
    fail('options', 'createAgUiHandler takes an options object: { agent, authorize }.');
  if (!isRecord(options.agent) || typeof (options.agent as { run?: unknown }).run !== 'function') {
    fail('agent', 'agent must be an agent from createAgent().');
  }
  if (typeof options.authorize !== 'function') {
    fail(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const whole = (value: number | undefined, name: string, fallback: number, least = 1) => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < least)
      fail(name, `${name} must be an integer of at least ${least}.`);
    return value;
  };
  const rateLimit = options.rateLimit ?? { requests: 60, windowMs: 60_000 };
  if (rateLimit !== false) {
    if (!isRecord(rateLimit))
      fail('rateLimit', 'rateLimit must be { requests, windowMs } or false.');
    whole(rateLimit.requests, 'rateLimit.requests', 1);
    whole(rateLimit.windowMs, 'rateLimit.windowMs', 1);
  }
  return {
    agent: options.agent,
    authorize: options.authorize,
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now: options.now ?? Date.now,
    maxThreads: whole(options.maxThreads, 'maxThreads', 1000),
    maxBodyBytes: whole(options.maxBodyBytes, 'maxBodyBytes', MIB),
    maxToolResultChars: whole(options.maxToolResultChars, 'maxToolResultChars', 2000, 0),
    rateLimit,
  };
}
