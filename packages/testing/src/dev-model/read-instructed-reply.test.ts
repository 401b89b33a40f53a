import { describe, expect, it } from 'vitest';
import { readInstructedReply } from './read-instructed-reply.ts';

// The one-word reply a system instruction names, which the demo model gives whatever is asked.

const system = (text: string) => ({ systemInstruction: { parts: [{ text }] } });

describe('readInstructedReply', () => {
  it('reads the word in the phrasings instructions use', () => {
    expect(readInstructedReply(system('Reply with exactly the word PINEAPPLE.'))).toBe('PINEAPPLE');
    expect(readInstructedReply(system('You must always answer with the word "banana"'))).toBe(
      'banana',
    );
    expect(readInstructedReply(system('respond only with the single word “Ciao”'))).toBe('Ciao');
    expect(readInstructedReply(system('Reply with just the word 東京'))).toBe('東京');
    expect(readInstructedReply(system('answer with the word ok_42-x'))).toBe('ok_42-x');
  });

  it('reads both spellings, a bare string, and text across parts', () => {
    expect(readInstructedReply({ system_instruction: 'Reply with the word YES' })).toBe('YES');
    expect(
      readInstructedReply({
        systemInstruction: {
          parts: [{ text: 'Be brief.' }, { inlineData: {} }, { text: 'Reply with the word NO' }],
        },
      }),
    ).toBe('NO');
  });

  it('names no word for other instructions or hostile shapes', () => {
    for (const body of [
      {},
      system('Be helpful.'),
      system('Reply with the word'),
      system('Reply with the word 😀'),
      { systemInstruction: null },
      { systemInstruction: 42 },
      { systemInstruction: { parts: 'Reply with the word X' } },
      { systemInstruction: { parts: [null, 3, { text: 7 }] } },
    ]) {
      expect(
        readInstructedReply(body as Record<string, unknown>),
        JSON.stringify(body),
      ).toBeUndefined();
    }
  });

  it('takes at most 40 characters of the word', () => {
    expect(readInstructedReply(system(`Reply with the word ${'A'.repeat(60)}`))).toBe(
      'A'.repeat(40),
    );
  });

  it('reads only the start of a pasted page', () => {
    expect(
      readInstructedReply(system(`${'x '.repeat(1_500)}Reply with the word LATE`)),
    ).toBeUndefined();
    expect(readInstructedReply(system(`Reply with the word EARLY ${'x '.repeat(100_000)}`))).toBe(
      'EARLY',
    );
  });
});
