import { ApiCallError } from '../errors/api-call-error.ts';
import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { attachPartialUsage } from '../errors/partial-usage.ts';
import type { CallOptions, Gemini } from '../http/gemini.ts';
import { type ModelCallEntry, ModelCallRecord } from '../http/model-call-entry.ts';
import type { Content } from '../wire/content.ts';
import type {
  CreateInteractionRequest,
  Interaction,
  InteractionEvent,
} from '../wire/interaction.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import type { InteractionsBackground } from './agent-api.ts';
import { interactionsBackendOf } from './interactions-backend.ts';
import { prefixHashes } from './prefix-hashes.ts';
import { runInBackground, waitForInteraction } from './run-in-background.ts';
import { toCreateInteractionRequest } from './to-create-interaction-request.ts';
import {
  ENDED_WITHOUT_ANSWER,
  RUNNING,
  toGenerateContentChunks,
} from './to-generate-content-chunks.ts';
import { continuationTokenOf, toGenerateContentResponse } from './to-generate-content-response.ts';

/** How an agent runs on the Interactions API (`api: interactionsApi()`). @internal */
export type InteractionsEntryOptions = {
  /**
   * Whether the server keeps each interaction (`store`), so a step sends only what is new since
   * the last interaction of the same history, with `previous_interaction_id`. Without it every
   * step sends the whole history as steps. @defaultValue true (the API's default)
   */
  store: boolean;
  /**
   * Each call a background interaction, polled until done (see `runInBackground`); a streamed
   * call then yields the finished answer as one chunk. Left out, calls are unary or streamed.
   */
  background?: InteractionsBackground | undefined;
};

/** Histories whose last interaction is remembered, per agent: far more than the runs in flight. */
const MAX_REMEMBERED = 512;

/**
 * The agent's model calls over the Interactions API: the agent keeps building `generateContent`
 * requests and reading `generateContent` responses (so tools, events, approvals, stop
 * conditions, telemetry and recording are the same code), and this entry translates both ways.
 * With `store` it remembers, for each history it answered, the interaction that holds it on the
 * server (keyed by a hash of the history's contents, so it works across runs and chat turns with
 * no state in them): the next request that extends that history sends only the contents after it,
 * with `previous_interaction_id`. A history it does not know (another process, a server that
 * forgot, a history edited by the app) is sent whole, as steps. `base` is the entry it stands in
 * for (the client's, as `interactionsApi()`'s `wrapModelRequest` gets it): only its redactor is
 * kept.
 * @internal
 */
export function createInteractionsEntry(
  gemini: Gemini,
  base: Pick<ModelCallEntry, 'redact'>,
  options: InteractionsEntryOptions,
): ModelCallEntry {
  const backend = interactionsBackendOf(gemini);
  const { interactions } = backend;
  const background = options.background;
  // history hash -> interaction id (insertion order = age).
  const remembered = new Map<string, string>();
  const remember = (hash: string, id: string): void => {
    remembered.delete(hash);
    remembered.set(hash, id);
    if (remembered.size > MAX_REMEMBERED) {
      remembered.delete(remembered.keys().next().value as string);
    }
  };

  // continuation token -> the interaction that stopped with it (`requires_continuation`).
  const continuations = new Map<string, string>();
  const noteContinuation = (token: string | undefined, id: string): void => {
    if (token === undefined) return;
    continuations.set(token, id);
    if (continuations.size > MAX_REMEMBERED) {
      continuations.delete(continuations.keys().next().value as string);
    }
  };

  /**
   * Forgets every history `id` answered: the server no longer holds it (deleted, or past the
   * API's retention), so those histories are sent whole again.
   */
  const forget = (id: string): void => {
    for (const [hash, held] of remembered) if (held === id) remembered.delete(hash);
  };

  /**
   * The create body of `request` and what to remember once it is answered. `previous` is the
   * interaction the body continues (`previous_interaction_id`), when it continues one; `whole`
   * sends the whole history instead (that interaction was gone).
   */
  const prepare = (
    request: GenerateContentRequest,
    scope: object | undefined,
    whole = false,
  ): Prepared => {
    const contents = toContents(request.contents);
    const token = request.continuationToken;
    const stopped = token === undefined || !options.store ? undefined : continuations.get(token);
    if (token !== undefined && stopped !== undefined) {
      // A decode resumed on the server: the interaction that stopped holds the input
      // (`@google/genai` 3.1.0 ContinuationInterruptedError: "with store enabled, also pass
      // interactionId as previous_interaction_id and no input").
      const { input: _input, ...rest } = toCreateInteractionRequest(request, [], stopped, true);
      const hashes = prefixHashes(contents, scope);
      return {
        body: { ...rest, continuation_token: token },
        settle: (interactionId: string, next?: string) => {
          noteContinuation(next, interactionId);
          if (next === undefined && hashes.length > 0)
            remember(hashes.at(-1) as string, interactionId);
        },
      };
    }
    const hashes = prefixHashes(contents, scope);
    let from = 0;
    let previous: string | undefined;
    if (options.store && !whole) {
      // The newest `[...sent, answer, ...new]`: `sent` is a history an interaction answered (its
      // hash remembered), `answer` the model content the agent made of that answer (whatever
      // shape its folding gave it: the server holds the answer itself).
      for (let at = contents.length - 2; at > 0; at--) {
        if (contents[at]?.role !== 'model') continue;
        const id = remembered.get(hashes[at - 1] as string);
        if (id !== undefined) {
          from = at + 1;
          previous = id;
          break;
        }
      }
    }
    const body = toCreateInteractionRequest(request, contents.slice(from), previous, options.store);
    // Without store the same input goes again, with the token (the same ContinuationInterruptedError note).
    if (token !== undefined) body.continuation_token = token;
    const settle = (interactionId: string, next?: string): void => {
      if (!options.store) return;
      noteContinuation(next, interactionId);
      // A history is answered only once its decode finished.
      if (next === undefined && hashes.length > 0) remember(hashes.at(-1) as string, interactionId);
    };
    return { body, settle, previous };
  };

  /**
   * Sends `prepared` with `send`; when the interaction it continues is gone (a 404 for its
   * create: deleted, or past the API's retention), forgets it and sends the whole history once.
   */
  const answer = async (
    request: GenerateContentRequest,
    scope: object | undefined,
    prepared: Prepared,
    send: (body: CreateInteractionRequest) => Promise<Interaction>,
  ): Promise<{ interaction: Interaction; prepared: Prepared }> => {
    try {
      return { interaction: await send(prepared.body), prepared };
    } catch (error) {
      if (prepared.previous === undefined || !isPreviousGone(error)) throw error;
      forget(prepared.previous);
      const whole = prepare(request, scope, true);
      return { interaction: await send(whole.body), prepared: whole };
    }
  };

  return {
    async generate({ request, callOptions, bodyCache, stepReports }) {
      const record = new ModelCallRecord();
      const options = recording(callOptions, record);
      const { interaction, prepared } = await answer(
        request,
        bodyCache,
        prepare(request, bodyCache),
        (body) =>
          background === undefined
            ? interactions.create(body, options, stepReports).then((created) =>
                // A server that answered the create before the interaction ended (`queued`,
                // `in_progress`): waited for as a background one is. It was read as a finished,
                // empty answer (`OTHER`) and its history remembered as answered.
                RUNNING.has(created.status)
                  ? waitForInteraction(backend, created, options, {}, stepReports)
                  : created,
              )
            : runInBackground(backend, body, options, background, stepReports),
      );
      const response = toGenerateContentResponse(interaction);
      if (ENDED_WITHOUT_ANSWER.has(interaction.status)) {
        // As a background call's (runInBackground), with what it was billed.
        throw attachPartialUsage(
          new InteractionFailedError({
            interactionId: interaction.id,
            status: interaction.status,
            error: interaction['error'],
          }),
          response.usageMetadata,
        );
      }
      prepared.settle(interaction.id, continuationTokenOf(interaction));
      record.interactionId = interaction.id;
      return { response, record };
    },
    stream({ request, callOptions, bodyCache, stepReports }) {
      const record = new ModelCallRecord();
      let prepared = prepare(request, bodyCache);
      const options = recording(callOptions, record);
      const settleAndRecord = (interactionId: string, next?: string): void => {
        record.interactionId = interactionId;
        prepared.settle(interactionId, next);
      };
      if (background !== undefined) {
        // Nothing streams while the interaction runs (its polls answer whole interactions), then
        // its answer comes as one chunk, the same response a unary call gets, so the agent's
        // fold, events and history match a unary run's.
        const finished = async function* (): AsyncGenerator<GenerateContentResponse> {
          const answered = await answer(request, bodyCache, prepared, (body) =>
            runInBackground(backend, body, options, background, stepReports),
          );
          prepared = answered.prepared;
          yield toGenerateContentResponse(answered.interaction);
          settleAndRecord(answered.interaction.id, continuationTokenOf(answered.interaction));
        };
        return { stream: finished(), record };
      }
      const events = async function* (): AsyncGenerator<InteractionEvent> {
        let delivered = false;
        try {
          for await (const event of interactions.stream(prepared.body, options, stepReports)) {
            delivered = true;
            yield event;
          }
          return;
        } catch (error) {
          // Only a refused create (before any event) is sent again, whole (see `answer`).
          if (delivered || prepared.previous === undefined || !isPreviousGone(error)) throw error;
        }
        forget(prepared.previous);
        prepared = prepare(request, bodyCache, true);
        yield* interactions.stream(prepared.body, options, stepReports);
      };
      return { stream: toGenerateContentChunks(events(), settleAndRecord), record };
    },
    resumeFrom(contents, interactionId) {
      if (!options.store) return;
      // The interaction answered the history before the last model content (that content is
      // its answer, as the agent folded it): the key `prepare` looks up for a request that
      // extends `contents`.
      const list = contents as Content[];
      let at = list.length - 1;
      while (at > 0 && list[at]?.role !== 'model') at--;
      if (at <= 0) return;
      const hashes = prefixHashes(list.slice(0, at));
      remember(hashes.at(-1) as string, interactionId);
    },
    redact: base.redact,
  };
}

/** The call options with `onResponse` filling `record` before the caller's own is told. */
function recording(options: CallOptions, record: ModelCallRecord): CallOptions {
  const own = options.onResponse;
  return {
    ...options,
    onResponse: (info) => {
      record.info = info;
      own?.(info);
    },
  };
}

/** What `prepare` makes of a request. */
type Prepared = {
  body: CreateInteractionRequest;
  settle: (interactionId: string, next?: string) => void;
  previous?: string | undefined;
};

/**
 * Whether a create that named `previous_interaction_id` was refused because that interaction is
 * gone: a 404 for the create itself (not for a poll of a background interaction it created).
 */
function isPreviousGone(error: unknown): boolean {
  return (
    ApiCallError.isInstance(error) &&
    error.status === 404 &&
    (error.method === 'interactions.create' || error.method === 'interactions.stream')
  );
}

function toContents(contents: GenerateContentRequest['contents']): Content[] {
  return typeof contents === 'string' ? [{ role: 'user', parts: [{ text: contents }] }] : contents;
}
