import type { CallOptions, Gemini } from '../../http/gemini.ts';
import type { Content, Part } from '../../wire/content.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';

/** One scripted model turn: a response, chunks (streaming), a function of the request, or an error. */
export type ScriptedTurn =
  | GenerateContentResponse
  | { chunks: GenerateContentResponse[]; thenHang?: boolean }
  | { error: unknown }
  | { hang: true }
  | ((request: GenerateContentRequest) => GenerateContentResponse | Promise<GenerateContentResponse>);

/** A recorded call: the request as it was at call time (deep copy), and how it was made. */
export type RecordedCall = { request: GenerateContentRequest; streaming: boolean; signal: AbortSignal | undefined };

/**
 * An in-memory `Gemini` for unit tests of the loop: answers each call with the next scripted
 * turn, records a deep copy of every request, honours abort signals, and splits responses into
 * one chunk per part (plus a final chunk with finishReason and usage) when streamed. Test-only.
 */
export function createScriptedGemini(script: ScriptedTurn[]): Gemini & {
  calls: RecordedCall[];
  /** The contents of the request of call `index`. */
  contentsOf(index: number): Content[];
} {
  const calls: RecordedCall[] = [];
  let position = 0;

  const nextTurn = (request: GenerateContentRequest, options: CallOptions | undefined, streaming: boolean): ScriptedTurn => {
    options?.signal?.throwIfAborted();
    calls.push({ request: structuredClone(request), streaming, signal: options?.signal });
    const turn = script[position++];
    if (turn === undefined) throw new Error(`scripted Gemini: no turn left for call ${position}`);
    return turn;
  };

  const resolveTurn = async (turn: ScriptedTurn, request: GenerateContentRequest, signal: AbortSignal | undefined): Promise<GenerateContentResponse> => {
    if (typeof turn === 'function') return withAbort(Promise.resolve(turn(request)), signal);
    if ('error' in turn) throw turn.error;
    if ('hang' in turn) return withAbort(new Promise<never>(() => {}), signal);
    if ('chunks' in turn) throw new Error('scripted Gemini: a chunked turn can only be streamed');
    return turn as GenerateContentResponse;
  };

  return {
    baseUrl: 'https://scripted.invalid',
    apiVersion: 'v1beta',
    calls,
    contentsOf: (index) => (calls[index]?.request.contents ?? []) as Content[],
    async generateContent(request, options) {
      const turn = nextTurn(request, options, false);
      return resolveTurn(turn, request, options?.signal);
    },
    streamGenerateContent(request, options) {
      return {
        async *[Symbol.asyncIterator]() {
          const turn = nextTurn(request, options, true);
          const chunks =
            typeof turn === 'object' && 'chunks' in turn
              ? turn.chunks
              : toChunks(await resolveTurn(turn, request, options?.signal));
          for (const chunk of chunks) {
            await Promise.resolve();
            options?.signal?.throwIfAborted();
            yield chunk;
          }
          if (typeof turn === 'object' && 'chunks' in turn && turn.thenHang === true) {
            await withAbort(new Promise<never>(() => {}), options?.signal);
          }
        },
      };
    },
    async countTokens() {
      throw new Error('not scripted');
    },
    async listModels() {
      throw new Error('not scripted');
    },
    async getModel() {
      throw new Error('not scripted');
    },
    caches: new Proxy({} as Gemini['caches'], {
      get: () => async () => {
        throw new Error('not scripted');
      },
    }),
  };
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    // Aborted while the turn was made (a scripted function that stops the run): no event comes.
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One chunk per part, then a last chunk with the candidate's other fields and usage. */
export function toChunks(response: GenerateContentResponse): GenerateContentResponse[] {
  const candidate = response.candidates?.[0];
  if (candidate === undefined) return [response];
  const { content, ...rest } = candidate;
  const chunks: GenerateContentResponse[] = [];
  for (const part of content?.parts ?? []) {
    chunks.push({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] });
  }
  chunks.push({
    candidates: [{ ...(content === undefined ? {} : { content: { role: 'model', parts: [] } }), ...rest }],
    ...(response.usageMetadata === undefined ? {} : { usageMetadata: response.usageMetadata }),
    ...(response.promptFeedback === undefined ? {} : { promptFeedback: response.promptFeedback }),
  });
  return chunks;
}

// ---- response builders ----

const usage: UsageMetadata = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };

/** A model answer with these parts. */
export function modelTurn(parts: Part[], extra: Partial<NonNullable<GenerateContentResponse['candidates']>[number]> = {}): GenerateContentResponse {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0, ...extra }],
    usageMetadata: usage,
  };
}

/** A text answer. */
export function textTurn(text: string, extra: Parameters<typeof modelTurn>[1] = {}): GenerateContentResponse {
  return modelTurn([{ text }], extra);
}

/** A turn of function calls: `[name, args, id?, signature?]`. */
export function callsTurn(
  ...calls: [name: string, args: Record<string, unknown>, id?: string, signature?: string][]
): GenerateContentResponse {
  return modelTurn(
    calls.map(([name, args, id, signature]) => {
      const part: Part = { functionCall: id === undefined ? { name, args } : { id, name, args } };
      if (signature !== undefined) part.thoughtSignature = signature;
      return part;
    }),
    { finishMessage: 'Model generated function call(s).' },
  );
}

/** A turn that stopped for `finishReason` with these parts (maybe none). */
export function finishTurn(finishReason: string, parts: Part[] | undefined, extra: Parameters<typeof modelTurn>[1] = {}): GenerateContentResponse {
  return {
    candidates: [{ content: parts === undefined ? {} : { role: 'model', parts }, finishReason, index: 0, ...extra }],
    usageMetadata: { promptTokenCount: 10, totalTokenCount: 10 },
  };
}
