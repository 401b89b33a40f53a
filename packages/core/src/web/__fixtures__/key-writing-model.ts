import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import type { Part } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';

/** A Google-shaped client key (39 characters) the fake model writes. */
export const KEY = 'AIzaSyD-key-leaks-0123456789abcdefghijk';

/** What the first step says, thought then text: the key split across both, then twice in the text. */
export const THOUGHT = `I will print it: ${KEY.slice(0, 13)}`;
export const TEXT = `${KEY.slice(13)} and again ${KEY}${KEY}. Calling.`;
/** The answer of the last step, streamed one character a chunk. */
export const ANSWER = `Your key is ${KEY}, as asked.`;

/** Each character of `text` as its own stream chunk (a thought's when `thought`). */
function oneCharChunks(text: string, thought: boolean): GenerateContentResponse[] {
  return [...text].map((char) => ({
    candidates: [
      {
        content: { role: 'model', parts: [thought ? { text: char, thought: true } : { text: char }] },
        index: 0,
      },
    ],
  }));
}

function lastChunk(parts: Part[], finishReason: 'STOP'): GenerateContentResponse {
  return { candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }] };
}

/**
 * A fake Gemini whose model writes `KEY` (a tool result told it to print its configuration):
 * across a thought and a text part in 1-character deltas, twice back to back, in a call's
 * arguments (`post`), then in its streamed answer. Streamed calls get the chunks; a unary call
 * gets the last chunk of each turn (the call, then the whole answer).
 */
export function keyWritingModel(): FakeGemini {
  return createFakeGemini({
    script: [
      turn.raw([
        ...oneCharChunks(THOUGHT, true),
        ...oneCharChunks(TEXT, false),
        lastChunk([{ functionCall: { name: 'post', args: { body: `config ${KEY}` } } }], 'STOP'),
      ]),
      turn.raw([
        ...oneCharChunks(ANSWER, false).slice(0, -1),
        lastChunk([{ text: ANSWER.slice(-1) }], 'STOP'),
      ]),
    ],
  });
}

/** A fake for a unary run: the same words, whole. */
export function keyWritingUnaryModel(): FakeGemini {
  return createFakeGemini({
    script: [
      turn.parts([
        { text: THOUGHT, thought: true },
        { text: TEXT },
        { functionCall: { name: 'post', args: { body: `config ${KEY}` } } },
      ]),
      turn.text(ANSWER),
    ],
  });
}
