import type { Content, Part } from '@gemloop/core';
import type { GenerateContentResponse } from '@gemloop/core/wire';

// The model turns of every rare and newer shape that the verbatim tests of several packages (core's
// agent, evals' replay and fork, serve's door history, dbos's Postgres history and packed stream
// records) send through gemloop and expect back exactly (gemini-wire.md §6 rule 1). One copy, here
// below all of them, reached by relative path (`import * as rare from …`, then `rare.callTurn(…)`);
// each test passes what its own run needs (the tool's name and arguments, a parallel call). It
// imports types only, so a package that compiles its tests (dbos) emits this file alone, not the
// fake's sources.

/** What {@link callParts} and {@link callTurn} put in the turn beyond the fixed shapes. */
export type CallOptions = {
  /** The signed call's tool: a tool of the test's agent (default `lookup`). */
  name?: string;
  /** The signed call's arguments, as the tool's parameters take them (default `{ word: 'a' }`). */
  args?: object;
  /** A key on the call this version does not know (default `{ x: 1 }`). */
  futureCallField?: unknown;
  /**
   * The signed text, one part or the pieces a stream splits it into (default one part, `Let me
   * look.`, signed).
   */
  signedText?: readonly Part[];
  /** Parts right after the signed call: a parallel call, unsigned (see {@link parallelCall}). */
  afterCall?: readonly Part[];
  /** Parts right after the unknown part: more of them, another kind at its index in a stream. */
  afterFuture?: readonly Part[];
};

/**
 * A model call turn's parts, every rare shape in the order a model may send them: a thought; a
 * signed text; code the model ran, signed, and its result; model media inline and by URI with
 * `videoMetadata`; a signed call with an id and a key this version does not know; a part this
 * version does not know (`futureThing`); a signed empty text (where Gemini 3 may put the last
 * signature); a text with `partMetadata`. A fresh copy each call, so a test may change its own.
 */
export function callParts({
  name = 'lookup',
  args = { word: 'a' },
  futureCallField = { x: 1 },
  signedText = [{ text: 'Let me look.', thoughtSignature: 'c2lnLXRleHQ=' }],
  afterCall = [],
  afterFuture = [],
}: CallOptions = {}): Part[] {
  return [
    { text: 'Weighing it.', thought: true },
    ...signedText,
    {
      executableCode: { language: 'PYTHON', code: 'print(1)', id: 'ec1' },
      thoughtSignature: 'c2lnLWNvZGU=',
    },
    { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n', id: 'ec1' } },
    { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    {
      fileData: { mimeType: 'video/mp4', fileUri: 'https://example.test/v1beta/files/abc' },
      videoMetadata: { startOffset: '1s', endOffset: '2s', fps: 1 },
    },
    {
      functionCall: { id: 'w71i0cbt', name, args, futureCallField },
      thoughtSignature: 'c2lnLWNhbGw=',
    },
    ...afterCall,
    { futureThing: { kind: 'chart', rows: [1, 2] } },
    ...afterFuture,
    { text: '', thoughtSignature: 'c2lnLWVtcHR5' },
    { text: 'noted', partMetadata: { source: 'y' } },
  ] as Part[];
}

/**
 * A model call turn of every rare shape ({@link callParts}), with a key on the Content this
 * version does not know (`futureContentField`). A fresh copy each call.
 */
export function callTurn(options: CallOptions = {}): Content {
  return {
    role: 'model',
    futureContentField: { z: true },
    parts: callParts(options),
  } as unknown as Content;
}

/**
 * A second call of the same turn, parallel and unsigned, with an id (Gemini 3 signs the first call
 * of a turn only): the `afterCall` of {@link CallOptions}.
 */
export function parallelCall(name = 'lookup', args: object = { word: 'b' }): Part {
  return { functionCall: { id: '96c1su3s', name, args } } as Part;
}

/**
 * A model answer turn of rare shapes: a signed thought, the answer text signed, a part this version
 * does not know, and a Content-level key it does not know. `text` is what the run's result reads.
 */
export function answerTurn(text = 'The answer.'): Content {
  return {
    role: 'model',
    futureContentField: ['kept'],
    parts: [
      { text: 'Thought it over.', thought: true, thoughtSignature: 'c2lnLXRob3VnaHQ=' },
      { text, thoughtSignature: 'c2lnLWFuc3dlcg==' },
      { futureThing: { kind: 'table' } },
    ],
  } as unknown as Content;
}

/**
 * The fake's turn that answers with `content` as the API sends it: whole (unary), or one part a
 * chunk with the Content's other fields on the first (streamed). The fake's `turn.raw`, written as
 * its plain value so this file imports core's types only.
 */
export function reply(
  content: Content,
  streamed: boolean,
): { raw: GenerateContentResponse | GenerateContentResponse[] } {
  const response = (piece: Content) =>
    ({ candidates: [{ content: piece, finishReason: 'STOP' }] }) as GenerateContentResponse;
  if (!streamed) return { raw: response(content) };
  const { parts, ...fields } = content;
  return {
    raw: parts.map((part, index) =>
      response({ ...(index === 0 ? fields : {}), parts: [part] } as Content),
    ),
  };
}
