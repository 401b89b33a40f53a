import { resolveModelRequests } from '../agent/plugins/model-requests/wrap-model-requests.ts';
import { REQUESTS_KEY } from '../agent/plugins/plugin-engine-of.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
} from '../options/define-options.ts';
import type { InteractionsApi, InteractionsBackground } from './agent-api.ts';
import { createInteractionsEntry } from './create-interactions-entry.ts';

/** Options of {@link interactionsApi}. */
export type InteractionsApiOptions = {
  /**
   * Whether the server keeps each interaction (`store`), so a step sends only what is new since
   * the last interaction of the same history, with `previous_interaction_id`. `false` keeps
   * nothing on the server and sends the whole history each step.
   * @defaultValue true (the API's default)
   */
  store?: boolean | undefined;
  /**
   * Runs each model call as a background interaction polled until done (`true`, or the polling
   * settings, {@link InteractionsBackground}): the way to run long decodes and, in
   * `@gemloop/dbos`, the form a durable run survives a worker crash in (the interaction's id is
   * recorded, the polls resume). A streamed call then yields the finished answer as one chunk.
   * @defaultValue false (each call unary or streamed)
   */
  background?: boolean | InteractionsBackground | undefined;
};

const MAX_INTERVAL_MS = 3_600_000;
const MAX_WAIT_MS = 7 * 24 * 3_600_000;
const BACKGROUND_SHAPE =
  'true or { pollIntervalMs?, maxPollIntervalMs? (whole ms, 1 to 3600000), maxWaitMs? (whole ms, 1 to 604800000), wakeOnWebhook? (boolean) }';

function isBound(value: unknown, max: number): boolean {
  return (
    value === undefined ||
    (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)
  );
}

// The keys only (attack14: a misspelt `stor: false` left `store` true, and every turn stored on
// Google's side); each value is checked below, with its own message.
const interactionsApiOptions: DeclaredOptions<InteractionsApiOptions> =
  defineOptions<InteractionsApiOptions>({
    name: 'interactionsApi',
    example: '{ store: false }',
    checks: { store: checkedWhereUsed, background: checkedWhereUsed },
  });

/** The background settings `value` names, or `null` when it is not a valid `background`. */
function readBackground(value: unknown): InteractionsBackground | undefined | null {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { pollIntervalMs, maxPollIntervalMs, maxWaitMs, wakeOnWebhook, ...rest } = value as Record<
    string,
    unknown
  >;
  const valid =
    Object.keys(rest).length === 0 &&
    isBound(pollIntervalMs, MAX_INTERVAL_MS) &&
    isBound(maxPollIntervalMs, MAX_INTERVAL_MS) &&
    isBound(maxWaitMs, MAX_WAIT_MS) &&
    (wakeOnWebhook === undefined || typeof wakeOnWebhook === 'boolean');
  return valid ? (value as InteractionsBackground) : null;
}

/**
 * An agent's `api` for Google's Interactions API: `createAgent({ ..., api: interactionsApi() })`.
 * The agent keeps building `generateContent` requests and reading `generateContent` responses
 * (tools, events, approvals, stop conditions, telemetry and recording are the same code); the
 * plugin this is (`wrapModelRequest`, listed as `interactions` in `agent.plugins`) translates
 * both ways. `api: interactionsApi()` adds it, innermost among the request wrappers (in `plugins`
 * it is refused). It needs a client made by `createGemini` (or a durable worker's, which sends the
 * calls as recorded steps).
 *
 * A history sent whole (`store: false`, or one kept from `generateContent`) keeps its thought
 * signatures: a call's goes on its `function_call` step, and a text's or an image's own
 * `thoughtSignature` (which an Interactions `model_output` has no field for) on a `thought` step
 * before the turn's output, where the API carries the reasoning signature. Read back, that step
 * is a thought part (empty text, the signature) before the text, sent again as the same step.
 * What a `model_output` holds besides text (an image Gemini 3 Pro Image wrote, audio, video, a
 * document: `data` or `uri` with `mime_type`) is read as an `inlineData` or `fileData` part, and
 * sent again as the content of its MIME type's kind; an item with neither is left out, as a part
 * has nothing to hold it with. An image's `resolution` is the part's `mediaResolution` (and a
 * part's `mediaResolution` goes as `resolution`: `MEDIA_RESOLUTION_ULTRA_HIGH` is `ultra_high`).
 * A `thought` step is its summary as thought parts in order (text, and an image as its own
 * `{ thought: true, inlineData }` part), its signature on the last text, streamed or not, and
 * goes back as the same step, summary included. A text's `annotations` (the URLs, files and
 * places it cites) become the candidate's `groundingMetadata`: each source a chunk (`web`,
 * `retrievedContext`, `maps`), each cited span a `groundingSupports` entry with the API's byte
 * offsets; they are not sent back (a part has no field for them).
 */
export function interactionsApi(options?: InteractionsApiOptions): InteractionsApi {
  if (options !== undefined) interactionsApiOptions.check(options);
  const store = options?.store ?? true;
  if (typeof store !== 'boolean') {
    throw new InvalidArgumentError({
      argument: 'options.store',
      message: `interactionsApi(options): options.store must be true or false; got ${typeof store}.`,
    });
  }
  const background = readBackground(options?.background);
  if (background === null) {
    throw new InvalidArgumentError({
      argument: 'options.background',
      message: `interactionsApi(options): options.background must be ${BACKGROUND_SHAPE}; got ${JSON.stringify(options?.background) ?? typeof options?.background}.`,
    });
  }
  const plugin: InteractionsApi = {
    name: 'interactions',
    store,
    ...(background === undefined ? {} : { background }),
    wrapModelRequest: (next, { gemini }) =>
      createInteractionsEntry(gemini, next, {
        store,
        ...(background === undefined ? {} : { background }),
      }),
  };
  // Not enumerable: the code that folds an agent's request wrappers, which the agent finds on the
  // plugins that have one (so an agent on generateContent bundles none of it).
  Object.defineProperty(plugin, REQUESTS_KEY, { value: resolveModelRequests, enumerable: false });
  return plugin;
}
