import { isJsonObject, readField } from '@gemloop/core/internal';

/** How much of the system instruction is read: instructions are short, a pasted page is not. */
const MAX_INSTRUCTION_CHARS = 2000;

/**
 * "Reply with exactly the word X", "always answer with the word X", "respond only with the word
 * X": the one-word reply a system instruction names, which a real model gives whatever the user
 * asks (`gemloop probe` checks that the instruction reached the model this way).
 */
const REPLY_WORD =
  /\b(?:reply|answer|respond)\s+(?:only\s+|always\s+)?with\s+(?:exactly\s+|only\s+|just\s+)?the\s+(?:single\s+)?word\s+["'“]?([\p{L}\p{N}_-]{1,40})/iu;

/**
 * The one word the request's `systemInstruction` tells the model to reply with, or `undefined`
 * when it names none (any other instruction is left to the rest of the demo model). Reads
 * `systemInstruction` and `system_instruction`, as a content or a bare string.
 */
export function readInstructedReply(body: Record<string, unknown>): string | undefined {
  const instruction = readField(body, 'systemInstruction', 'system_instruction');
  const text = instructionText(instruction).slice(0, MAX_INSTRUCTION_CHARS);
  return REPLY_WORD.exec(text)?.[1];
}

function instructionText(instruction: unknown): string {
  if (typeof instruction === 'string') return instruction;
  if (!isJsonObject(instruction) || !Array.isArray(instruction['parts'])) return '';
  return instruction['parts']
    .map((part) => (isJsonObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('\n');
}
