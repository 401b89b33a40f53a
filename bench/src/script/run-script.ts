import { createRandom } from './create-random.ts';

/** The model every contender asks for; the scripted server plays Gemini 3 Flash. */
export const BENCH_MODEL = 'gemini-3-flash-preview';

/** The tool-loop scripts the server can play. */
export type LoopScriptName = 'seq5' | 'par3' | 'leak';

/** Rounds of function calls and calls per round of each tool-loop script. */
export const LOOP_SHAPES: Record<LoopScriptName, { rounds: number; callsPerRound: number }> = {
  seq5: { rounds: 5, callsPerRound: 1 },
  par3: { rounds: 5, callsPerRound: 3 },
  leak: { rounds: 1, callsPerRound: 1 },
};

/** Model requests (steps) one run of a loop script takes: its rounds plus the final answer. */
export function stepsPerRun(script: LoopScriptName): number {
  return LOOP_SHAPES[script].rounds + 1;
}

/** JSON object as it travels on the wire. */
export type JsonObject = { [key: string]: unknown };

/** One function call the server makes, and the result it expects back. */
export type ScriptCall = {
  id: string;
  name: 'add' | 'multiply';
  args: { a: number; b: number };
  /** What the tool returns: `{ sum }` for add, `{ product }` for multiply. */
  result: { sum: number } | { product: number };
};

/** One round of function calls: the model content the server sends and the calls it holds. */
export type ScriptRound = {
  calls: ScriptCall[];
  /** The `Content` the client must replay verbatim. */
  modelContent: JsonObject;
  /** The `generateContent` response body. */
  body: string;
  /** The `streamGenerateContent?alt=sse` events, each framed `data: …\r\n\r\n`. */
  events: string[];
};

/** Everything one run of a loop script sends and expects, derived from the script and a seed. */
export type RunScript = {
  script: LoopScriptName;
  seed: number;
  prompt: string;
  rounds: ScriptRound[];
  finalText: string;
  finalBody: string;
  finalEvents: string[];
};

const RESPONSE_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Gemini-like random token (server call ids, response ids). */
export function randomToken(random: () => number, length: number): string {
  let token = '';
  for (let index = 0; index < length; index++) {
    token += RESPONSE_ID_ALPHABET[Math.floor(random() * RESPONSE_ID_ALPHABET.length)];
  }
  return token;
}

/**
 * A thought signature of realistic size: Gemini 3 signatures on function calls are opaque base64
 * blobs of roughly 0.5 to 1.5 KB (see the recorded fixtures), and copying them is part of the cost
 * of replaying history.
 */
export function randomSignature(random: () => number, bytes: number): string {
  const buffer = Buffer.allocUnsafe(bytes);
  for (let index = 0; index < bytes; index++) buffer[index] = Math.floor(random() * 256);
  return buffer.toString('base64');
}

/** The first user message of a run; the server reads the script and seed back from it. */
export function loopPrompt(script: string, seed: number): string {
  return `Bench ${script} run ${seed}: call the tools you are given, then report the total.`;
}

/** Reads the seed back from a prompt made by {@link loopPrompt} or the chat/long prompts. */
export function readSeed(prompt: string): number | undefined {
  const match = /^Bench \S+ run (\d+):/.exec(prompt);
  return match === null ? undefined : Number(match[1]);
}

/** Frames one SSE event the way the Gemini API does (CRLF, blank line). */
export function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}

type Usage = { prompt: number; candidates: number; thoughts: number };

/** `usageMetadata` as Gemini 3 sends it; streams carry the cumulative counts on every chunk. */
export function usageMetadata({ prompt, candidates, thoughts }: Usage): JsonObject {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates + thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
    thoughtsTokenCount: thoughts,
  };
}

/** A whole `GenerateContentResponse` with one candidate. */
export function responseBody(options: {
  content: JsonObject;
  finishReason?: string | undefined;
  finishMessage?: string | undefined;
  usage: Usage;
  responseId: string;
}): JsonObject {
  const candidate: JsonObject = { content: options.content };
  if (options.finishReason !== undefined) candidate['finishReason'] = options.finishReason;
  if (options.finishMessage !== undefined) candidate['finishMessage'] = options.finishMessage;
  candidate['index'] = 0;
  return {
    candidates: [candidate],
    usageMetadata: usageMetadata(options.usage),
    modelVersion: BENCH_MODEL,
    responseId: options.responseId,
  };
}

/** Splits a text into stream deltas of a few words, as Gemini streams text. */
export function splitText(text: string, wordsPerChunk: number): string[] {
  const words = text.split(/(?<= )/);
  const chunks: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerChunk) {
    chunks.push(words.slice(index, index + wordsPerChunk).join(''));
  }
  return chunks;
}

/** The total the final answer reports: every tool result added up. */
function resultValue(result: ScriptCall['result']): number {
  return 'sum' in result ? result.sum : result.product;
}

/**
 * Builds the whole deterministic script of one run. The server and the contenders' checks both
 * derive from it, so the final answer proves the server accepted every request of the run.
 */
export function createRunScript(script: LoopScriptName, seed: number): RunScript {
  const random = createRandom(seed * 7919 + script.length);
  const { rounds: roundCount, callsPerRound } = LOOP_SHAPES[script];
  const responseId = randomToken(random, 22);
  const rounds: ScriptRound[] = [];
  let total = 0;
  let promptTokens = 60;
  for (let round = 0; round < roundCount; round++) {
    const calls: ScriptCall[] = [];
    for (let index = 0; index < callsPerRound; index++) {
      const a = 1 + Math.floor(random() * 99);
      const b = 1 + Math.floor(random() * 99);
      const name = (round + index) % 2 === 0 ? 'add' : 'multiply';
      const result = name === 'add' ? { sum: a + b } : { product: a * b };
      total += resultValue(result);
      calls.push({ id: randomToken(random, 8).toLowerCase(), name, args: { a, b }, result });
    }
    // Gemini 3 signs only the first function call of a turn (FX parallel-3-calls-only-first-signed).
    const signature = randomSignature(random, 600 + Math.floor(random() * 400));
    const parts = calls.map((call, index) => {
      const part: JsonObject = {
        functionCall: { name: call.name, args: call.args, id: call.id },
      };
      if (index === 0) part['thoughtSignature'] = signature;
      return part;
    });
    const modelContent = { parts, role: 'model' };
    const usage = { prompt: promptTokens, candidates: 18 * callsPerRound, thoughts: 120 };
    const body = JSON.stringify(
      responseBody({
        content: modelContent,
        finishReason: 'STOP',
        finishMessage: 'Model generated function call(s).',
        usage,
        responseId,
      }),
    );
    // Streamed: the whole calls in one chunk, then an empty text part with STOP
    // (FX gemini3-flash__function-call-with-id.sse).
    const events = [
      sseEvent(responseBody({ content: modelContent, usage, responseId })),
      sseEvent(
        responseBody({
          content: { parts: [{ text: '' }], role: 'model' },
          finishReason: 'STOP',
          usage,
          responseId,
        }),
      ),
    ];
    rounds.push({ calls, modelContent, body, events });
    promptTokens += 40 * callsPerRound;
  }
  const callCount = roundCount * callsPerRound;
  const finalText = `Done: the ${callCount} tool results of run ${seed} add up to ${total}.`;
  const finalSignature = randomSignature(random, 300);
  const usage = { prompt: promptTokens, candidates: 24, thoughts: 80 };
  const finalBody = JSON.stringify(
    responseBody({
      content: { parts: [{ text: finalText, thoughtSignature: finalSignature }], role: 'model' },
      finishReason: 'STOP',
      usage,
      responseId,
    }),
  );
  const deltas = splitText(finalText, 3);
  const finalEvents = deltas.map((delta, index) =>
    sseEvent(
      responseBody({
        content: { parts: [{ text: delta }], role: 'model' },
        usage: { ...usage, candidates: 4 * (index + 1) },
        responseId,
      }),
    ),
  );
  // Gemini 3 puts the text's signature on a final empty text part with the finish reason
  // (FX gemini3-flash__json-output-signature-in-final-empty-chunk.sse).
  finalEvents.push(
    sseEvent(
      responseBody({
        content: { parts: [{ text: '', thoughtSignature: finalSignature }], role: 'model' },
        finishReason: 'STOP',
        usage,
        responseId,
      }),
    ),
  );
  return {
    script,
    seed,
    prompt: loopPrompt(script, seed),
    rounds,
    finalText,
    finalBody,
    finalEvents,
  };
}

/** The answer a run must end with; contenders compare their result against it. */
export function expectedFinalText(script: LoopScriptName, seed: number): string {
  return createRunScript(script, seed).finalText;
}
