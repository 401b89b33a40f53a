import type { GenerateContentResponse } from '@gemloop/core/wire';
import {
  createFakeGemini,
  type FakeGemini,
  type FakeScriptContext,
  type FakeScriptRequest,
  type FakeTurn,
  turn,
} from '@gemloop/testing';

// The fake of the crash tests (crash-recovery, steering-crash): every turn raw, with fixed call
// ids, signatures and chunks, so a call cut by a kill and made again answers exactly as it did.

/** The streamed answer of the scripted runs. */
export const ANSWER = 'Order 7 shipped on Monday and arrives on Thursday. No refund is needed. '
  .repeat(4)
  .trim();

/** How the input of a `reasked` run (worker.ts) begins. */
export const REASK_INPUT = 'Reask:';
/** The `reasked` run's first answer, which its schema refuses (`order` is no string). */
export const REFUSED_ANSWER = '{"order": 7}';
/** The `reasked` run's answer after the slow tool, which its schema takes. */
export const REASK_ANSWER = '{"order":"7","status":"shipped"}';

/** How the memory plugin's default extraction instructions begin (`extract-memories.ts`). */
const EXTRACTOR = 'You keep long-term memory for an assistant.';

/** The fact the extraction of a scripted run finds. */
export const EXTRACTED = 'The user waits for order 7.';

/** A Gemini 3 function-call turn with a fixed call id and thought signature, in one chunk. */
function callTurn(name: string, id: string): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { name, args: { order: '7' }, id },
                thoughtSignature: Buffer.from(`sig-${id}`).toString('base64'),
              },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

function answerTurn(): GenerateContentResponse[] {
  const chunks: GenerateContentResponse[] = [];
  for (let index = 0; index < ANSWER.length; index += 24) {
    const last = index + 24 >= ANSWER.length;
    chunks.push({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                text: ANSWER.slice(index, index + 24),
                ...(last ? { thoughtSignature: 'c2lnLWFuc3dlcg==' } : {}),
              },
            ],
          },
          index: 0,
          ...(last ? { finishReason: 'STOP' } : {}),
        },
      ],
      ...(last
        ? { usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 30, totalTokenCount: 70 } }
        : {}),
      modelVersion: 'gemini-3-flash-preview',
    });
  }
  return chunks;
}

/**
 * The turn of the scripted runs for a request: lookup → slow → a streamed answer, every turn raw
 * (fixed ids, signatures and chunks), the memory plugin's extraction answered with one fact.
 */
export function scriptedCrashTurn(
  request: FakeScriptRequest,
  context: FakeScriptContext,
  onAnswerCall: (runInput: string | undefined) => void,
): FakeTurn {
  // The memory plugin's extraction (its own instructions, a JSON schema): one fact.
  const instruction = request.body.systemInstruction?.parts?.[0];
  if (instruction !== undefined && 'text' in instruction && instruction.text?.startsWith(EXTRACTOR)) {
    return turn.json({ memories: [{ kind: 'fact', text: EXTRACTED }] });
  }
  const answered = context.functionResponses.map((response) => response.name);
  const firstText = request.body.contents?.[0]?.parts?.[0];
  // The `reasked` agent's run: a JSON answer its schema refuses, then (asked again) the slow
  // tool, then the JSON it takes.
  if (firstText !== undefined && 'text' in firstText && firstText.text?.startsWith(REASK_INPUT)) {
    if (answered.includes('slow')) return turn.text(REASK_ANSWER);
    return (request.body.contents?.length ?? 0) === 1
      ? turn.text(REFUSED_ANSWER)
      : turn.raw(callTurn('slow', 'call-slow'));
  }
  if (answered.includes('slow')) {
    onAnswerCall(firstText !== undefined && 'text' in firstText ? firstText.text : undefined);
    return turn.raw(answerTurn());
  }
  if (answered.includes('lookup')) return turn.raw(callTurn('slow', 'call-slow'));
  return turn.raw(callTurn('lookup', 'call-lookup'));
}

/**
 * lookup → slow → a streamed answer, every turn raw (fixed ids, signatures and chunks): a call
 * cut by a kill and made again answers exactly as it did, so the histories of all runs on this
 * fake compare verbatim with the baseline's.
 */
export function createScriptedFake(onAnswerCall: (runInput: string | undefined) => void): FakeGemini {
  return createFakeGemini({
    chunkDelayMs: 40,
    signatureValidation: 'present',
    script: (request, context) => scriptedCrashTurn(request, context, onAnswerCall),
  });
}
