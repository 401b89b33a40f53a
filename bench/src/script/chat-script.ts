import { createRandom } from './create-random.ts';
import { type JsonObject, randomSignature, randomToken, responseBody } from './run-script.ts';

/** One turn of the chat script: the user's text, the model's reply and its response body. */
export type ChatTurn = {
  userText: string;
  replyText: string;
  /** The model `Content` the client must keep and replay on every later turn. */
  modelContent: JsonObject;
  body: string;
};

/** The user message of `turn` (0-based) in chat `seed`. */
export function chatUserText(seed: number, turn: number): string {
  return `Bench chat run ${seed}: turn ${turn}, what is ${turn} squared?`;
}

/**
 * Builds turn `turn` of chat `seed`. Each reply is a short signed text: what grows is the number
 * of turns, which is what the chat measurement is about.
 */
export function createChatTurn(seed: number, turn: number): ChatTurn {
  const random = createRandom(seed * 104729 + turn);
  const replyText = `Turn ${turn}: ${turn} squared is ${turn * turn}.`;
  const modelContent = {
    parts: [{ text: replyText, thoughtSignature: randomSignature(random, 150) }],
    role: 'model',
  };
  const body = JSON.stringify(
    responseBody({
      content: modelContent,
      finishReason: 'STOP',
      usage: { prompt: 40 + turn * 30, candidates: 12, thoughts: 0 },
      responseId: randomToken(random, 22),
    }),
  );
  return { userText: chatUserText(seed, turn), replyText, modelContent, body };
}
