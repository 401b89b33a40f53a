import { cutText } from '@gemloop/core/internal';
import type {
  BlockReason,
  CitationMetadata,
  FinishReason,
  GenerateContentResponse,
  GroundingMetadata,
  Part,
  PromptFeedback,
  SafetyRating,
  UrlContextMetadata,
  UsageMetadata,
} from '@gemloop/core/wire';

/**
 * One model turn the fake answers with. Usually made with the {@link turn} builders; a plain
 * object gives full control. The fake fills in what the real API adds: `role: 'model'`, `index`,
 * `finishReason: 'STOP'`, usage numbers, `modelVersion`, `responseId`, and in Gemini 3 mode the
 * thought signatures and function-call ids.
 */
export type FakeTurn = {
  /** The parts of the model's content, in order. */
  parts?: Part[] | undefined;
  /** @defaultValue `'STOP'` */
  finishReason?: FinishReason | undefined;
  /** @defaultValue `'Model generated function call(s).'` on a function-call turn */
  finishMessage?: string | undefined;
  /**
   * `'auto'`: in Gemini 3 mode the first `functionCall` part (or, without calls, the last text
   * part) gets a fake signature unless it has one; `'none'`: only signatures written in `parts`.
   * In `'auto'` mode a part written with `thoughtSignature: null` stays unsigned (to test how a
   * client copes with a missing signature).
   * @defaultValue `'auto'`
   */
  signatures?: 'auto' | 'none' | undefined;
  /** Give function calls without an `id` a server id (8 base36 chars). @defaultValue the fake's `callIds` */
  callIds?: boolean | undefined;
  /** Usage numbers that replace the estimated ones; `totalTokenCount` is recomputed unless given. */
  usage?: Partial<UsageMetadata> | undefined;
  /** Sent on the candidate (in a stream: `{}` on every chunk, the full object on the last). */
  groundingMetadata?: GroundingMetadata | undefined;
  /** Sent on the candidate (in a stream: on the first chunk). */
  urlContextMetadata?: UrlContextMetadata | undefined;
  citationMetadata?: CitationMetadata | undefined;
  safetyRatings?: SafetyRating[] | undefined;
  /** Sent at the top level (in a stream: on the first chunk). */
  promptFeedback?: PromptFeedback | undefined;
  /**
   * The shape of the candidate: `'parts'` (normal), `'empty-content'` (`content: {}`, as a SAFETY
   * stop), `'no-parts'` (`content: {role: 'model'}`, as MAX_TOKENS spent on thinking),
   * `'no-candidates'` (no `candidates` at all: a blocked prompt or an empty answer).
   * @defaultValue `'parts'`
   */
  variant?: 'parts' | 'empty-content' | 'no-parts' | 'no-candidates' | undefined;
  /** `modelVersion` of this answer. @defaultValue the fake's `modelVersion` option, else the model */
  modelVersion?: string | undefined;
  /**
   * A whole response sent as is, nothing added (a stream sends it as one chunk), or, as an array,
   * the exact stream chunks (a non-streamed call gets the last chunk). For shapes the builders
   * cannot make.
   */
  raw?: GenerateContentResponse | GenerateContentResponse[] | undefined;
  /**
   * A long-decode answer (Gemini 4) served over several requests: each hop but the last ends
   * with `finishReason: 'CONTINUATION'` and a `continuationToken`; the request sent again with
   * that token gets the next hop. Made with {@link turn}.continued; the other fields of this turn
   * are not used. The turn counts as delivered once its last hop is.
   */
  hops?: FakeTurn[] | undefined;
  /**
   * With `hops`, in a stream: `true` puts a checkpoint `continuationToken` (no finish reason) on
   * every chunk but a hop's last, a number `n` on every `n`th; a dropped stream sent again with
   * one gets the rest of the hop from there. @defaultValue false
   */
  checkpoints?: boolean | number | undefined;
};

/** Options every {@link turn} builder takes: any {@link FakeTurn} field but `parts`. */
export type FakeTurnOptions = Omit<FakeTurn, 'parts' | 'raw'> & {
  /** Thought-summary parts (`{text, thought: true}`) put before the answer. */
  thoughts?: string | string[] | undefined;
};

/** A function call for {@link turn}.calls. */
export type FakeFunctionCall = {
  name: string;
  args?: Record<string, unknown> | undefined;
  /** An explicit id, or `null` for none even when the fake gives ids. */
  id?: string | null | undefined;
  /** An explicit signature, or `null` for none even in Gemini 3 mode. */
  thoughtSignature?: string | null | undefined;
};

/** A grounding source for {@link turn}.grounded. */
export type FakeGroundingSource = { uri: string; title: string };

function withThoughts(parts: Part[], thoughts: string | string[] | undefined): Part[] {
  if (thoughts === undefined) return parts;
  const list = typeof thoughts === 'string' ? [thoughts] : thoughts;
  return [...list.map((text) => ({ text, thought: true })), ...parts];
}

function build(parts: Part[] | undefined, options: FakeTurnOptions | undefined): FakeTurn {
  if (options === undefined) return { parts };
  const { thoughts, ...rest } = options;
  return { ...rest, parts: parts === undefined ? undefined : withThoughts(parts, thoughts) };
}

function callPart(call: FakeFunctionCall): Part {
  const functionCall: Record<string, unknown> = { name: call.name, args: call.args ?? {} };
  // `null` marks "explicitly none"; the resolver reads and removes it.
  if (call.id !== undefined) functionCall['id'] = call.id;
  const part: Record<string, unknown> = { functionCall };
  if (call.thoughtSignature !== undefined) part['thoughtSignature'] = call.thoughtSignature;
  return part as Part;
}

/**
 * Builders of {@link FakeTurn}s for the fake server's script.
 *
 * @example
 * ```ts
 * const fake = createFakeGemini({
 *   script: [
 *     turn.calls([{ name: 'get_weather', args: { city: 'Paris' } }]),
 *     turn.text('It is 18 °C in Paris.'),
 *   ],
 * });
 * ```
 */
export const turn = {
  /** A text answer. */
  text(text: string, options?: FakeTurnOptions): FakeTurn {
    return build([{ text }], options);
  },

  /** A JSON answer (structured output): the value, serialised with two-space indentation. */
  json(value: unknown, options?: FakeTurnOptions): FakeTurn {
    return build([{ text: JSON.stringify(value, null, 2) }], options);
  },

  /** One function call. */
  call(name: string, args?: Record<string, unknown>, options?: FakeTurnOptions): FakeTurn {
    return build([callPart({ name, args })], options);
  },

  /**
   * Function calls made in one turn (parallel calls), optionally after a short text
   * (`options.text`), as Gemini sometimes says what it is about to do.
   */
  calls(
    calls: readonly FakeFunctionCall[],
    options?: FakeTurnOptions & { text?: string | undefined },
  ): FakeTurn {
    const { text, ...rest } = options ?? {};
    const parts = calls.map(callPart);
    return build(text === undefined ? parts : [{ text }, ...parts], rest);
  },

  /** Any parts, for full control (code execution, `toolCall`/`toolResponse`, inline data, ...). */
  parts(parts: Part[], options?: FakeTurnOptions): FakeTurn {
    return build(parts, options);
  },

  /**
   * A text answer grounded in Google Search results: `groundingMetadata` with the sources as
   * `groundingChunks`, one support spanning the text, the queries and a search entry point.
   */
  grounded(
    text: string,
    grounding: { sources: readonly FakeGroundingSource[]; queries?: readonly string[] | undefined },
    options?: FakeTurnOptions,
  ): FakeTurn {
    // Never half an emoji: a lone surrogate is no character, and the API sends none.
    const queries = grounding.queries ?? [cutText(text, 40)];
    const groundingMetadata: GroundingMetadata = {
      searchEntryPoint: {
        renderedContent: `<style>.container{display:flex}</style><div class="container">${queries.map((query) => `<a class="chip">${escapeHtml(query)}</a>`).join('')}</div>`,
      },
      groundingChunks: grounding.sources.map((source) => ({
        web: { uri: source.uri, title: source.title },
      })),
      groundingSupports: [
        {
          segment: { endIndex: new TextEncoder().encode(text).length, text },
          groundingChunkIndices: grounding.sources.map((_, index) => index),
        },
      ],
      webSearchQueries: [...queries],
    };
    return build([{ text }], { groundingMetadata, ...options });
  },

  /** A blocked prompt: no candidates, `promptFeedback.blockReason`. */
  blocked(blockReason: BlockReason = 'PROHIBITED_CONTENT', options?: FakeTurnOptions): FakeTurn {
    return {
      ...build(undefined, options),
      variant: 'no-candidates',
      promptFeedback: { blockReason },
    };
  },

  /** An answer stopped by the safety filters: `finishReason: 'SAFETY'`, `content: {}`. */
  safety(options?: FakeTurnOptions): FakeTurn {
    return {
      safetyRatings: [
        { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'LOW', blocked: true },
        { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
        { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
        { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
      ],
      ...build(undefined, options),
      variant: 'empty-content',
      finishReason: 'SAFETY',
    };
  },

  /**
   * An answer cut by `maxOutputTokens`: the partial text, or, without text, a content with no
   * parts (the budget went to thinking).
   */
  maxTokens(text?: string, options?: FakeTurnOptions): FakeTurn {
    const built = build(text === undefined ? undefined : [{ text }], options);
    return {
      ...built,
      variant: text === undefined ? 'no-parts' : 'parts',
      finishReason: 'MAX_TOKENS',
    };
  },

  /** The model produced a function call the API could not parse. */
  malformedFunctionCall(
    finishMessage = 'Malformed function call: print(default_api.unknown(',
    options?: FakeTurnOptions,
  ): FakeTurn {
    return {
      ...build(undefined, options),
      variant: 'empty-content',
      finishReason: 'MALFORMED_FUNCTION_CALL',
      finishMessage,
    };
  },

  /**
   * `finishReason: 'TOO_MANY_TOOL_CALLS'` with empty content: the API stopped a model that called
   * tools consecutively too often.
   */
  tooManyToolCalls(finishMessage?: string, options?: FakeTurnOptions): FakeTurn {
    return {
      ...build(undefined, options),
      variant: 'empty-content',
      finishReason: 'TOO_MANY_TOOL_CALLS',
      ...(finishMessage === undefined ? {} : { finishMessage }),
    };
  },

  /** An empty answer: `content: {role: 'model'}` without parts, `finishReason: 'STOP'`. */
  empty(options?: FakeTurnOptions): FakeTurn {
    return { ...build(undefined, options), variant: 'no-parts' };
  },

  /**
   * A long-decode answer served in hops (hand-written from `@google/genai` 3.1.0, `@ai-sdk/google`
   * 4.0.121 and google/adk-go's `continuation.go`; no recorded traffic): the first request gets
   * `hops[0]` ending with `finishReason: 'CONTINUATION'` and a token, the same request with that
   * token gets `hops[1]`, and so on; the last hop ends as written (`STOP` by default). Tokens are
   * refused when the fake never issued them, after `fake.expireContinuationTokens()`, or with
   * another request. `checkpoints: true` adds a checkpoint token to every chunk of a streamed hop
   * but its last (`n`: to every `n`th), for resuming a dropped stream.
   *
   * @example
   * ```ts
   * turn.continued([turn.text('Part one. '), turn.text('Part two. '), turn.text('The end.')])
   * ```
   */
  continued(
    hops: readonly FakeTurn[],
    options?: { checkpoints?: boolean | number | undefined },
  ): FakeTurn {
    return { hops: [...hops], checkpoints: options?.checkpoints ?? false };
  },

  /** A response (or stream chunks) sent exactly as given. */
  raw(response: GenerateContentResponse | GenerateContentResponse[]): FakeTurn {
    return { raw: response };
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
