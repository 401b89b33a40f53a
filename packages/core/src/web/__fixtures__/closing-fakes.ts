import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach } from 'vitest';

type Script = NonNullable<Parameters<typeof createFakeGemini>[0]>['script'];

/**
 * A maker of fake Gemini servers that the calling test file closes after each test (registers
 * its own `afterEach`; call it once at the file's top level).
 */
export function closingFakes(): (script: Script) => FakeGemini {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return (script) => {
    const made = createFakeGemini({ script });
    closers.push(() => made.close());
    return made;
  };
}

/** A model turn saying `said`: whole (unary), or one character a chunk (streamed). */
export function saying(said: string, unary: boolean) {
  return unary
    ? turn.text(said)
    : turn.raw([...[...said].map((char) => textChunk(char)), stopChunk()]);
}

function textChunk(text: string) {
  return { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] };
}

function stopChunk() {
  return {
    candidates: [
      { content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 },
    ],
  };
}
