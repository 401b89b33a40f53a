import { type ChatTurn, chatUserText, createChatTurn } from '../script/chat-script.ts';
import { readLongChunkCount } from '../script/long-stream.ts';
import {
  createRunScript,
  type JsonObject,
  LOOP_SHAPES,
  type LoopScriptName,
  loopPrompt,
  type RunScript,
  readSeed,
  type ScriptCall,
} from '../script/run-script.ts';
import { describeJsonDifference, jsonEqual } from './json-equal.ts';

/** What the server answers a valid request with. */
export type ScriptedAnswer =
  | { kind: 'round'; script: RunScript; round: number }
  | { kind: 'final'; script: RunScript }
  | { kind: 'chat'; seed: number; turn: number; chat: ChatTurn }
  | { kind: 'long'; chunkCount: number };

/** The outcome of checking one request against the script. */
export type Validation = { ok: true; answer: ScriptedAnswer } | { ok: false; message: string };

/** Scripts the server plays, by the name in the URL. */
export type ServerScriptName = LoopScriptName | 'chat' | 'long';

/** Names accepted in the URL. */
export const SERVER_SCRIPTS: readonly ServerScriptName[] = ['seq5', 'par3', 'leak', 'chat', 'long'];

/** The most chat turns the server will replay; a guard against a client that never stops. */
const MAX_CHAT_TURNS = 20_000;

/**
 * Checks a request body against the script and says what to answer. The rules are the ones the
 * real API enforces for Gemini 3, made strict so that a lossy client cannot produce a number:
 * the history is replayed verbatim (each model `Content` the server sent comes back equal in JSON
 * terms, signatures and call ids included), and after each function-call turn comes exactly one
 * user `Content` with one `functionResponse` per call, in order, with the call's id and name and
 * the right result. Validation state lives in the request itself (the replayed history), so any
 * number of runs can be in flight.
 */
export class RequestValidator {
  readonly #loopScripts = new Map<string, RunScript>();
  readonly #chatTurns = new Map<number, ChatTurn[]>();

  /** Validates `request` (parsed JSON) for `script`. */
  validate(script: ServerScriptName, request: unknown): Validation {
    if (typeof request !== 'object' || request === null)
      return fail('the body is not a JSON object');
    const contents = (request as JsonObject)['contents'];
    if (!Array.isArray(contents) || contents.length === 0) {
      return fail('`contents` must be a non-empty array');
    }
    const firstText = userText(contents[0]);
    if (firstText === undefined) {
      return fail('contents[0] must be a user Content with exactly one text part');
    }
    if (script === 'chat') return this.#validateChat(contents, firstText);
    if (script === 'long') return validateLong(contents, firstText);
    return this.#validateLoop(script, request as JsonObject, contents, firstText);
  }

  /** The cached script of one run; the server also uses it to find the bodies to send. */
  loopScript(script: LoopScriptName, seed: number): RunScript {
    const key = `${script}:${seed}`;
    let runScript = this.#loopScripts.get(key);
    if (runScript === undefined) {
      runScript = createRunScript(script, seed);
      this.#loopScripts.set(key, runScript);
    }
    return runScript;
  }

  #validateLoop(
    script: LoopScriptName,
    request: JsonObject,
    contents: unknown[],
    firstText: string,
  ): Validation {
    const seed = readSeed(firstText);
    if (seed === undefined || firstText !== loopPrompt(script, seed)) {
      return fail(`contents[0] text is not a ${script} prompt: ${JSON.stringify(firstText)}`);
    }
    const missing = missingDeclarations(request['tools']);
    if (missing !== undefined) return fail(missing);
    const runScript = this.loopScript(script, seed);
    if (contents.length % 2 === 0) {
      return fail(
        `expected an odd number of contents (prompt + model/user pairs), got ${contents.length}`,
      );
    }
    const round = (contents.length - 1) / 2;
    if (round > LOOP_SHAPES[script].rounds) {
      return fail(`the run has ${LOOP_SHAPES[script].rounds} rounds, the request replays ${round}`);
    }
    for (let index = 0; index < round; index++) {
      const sent = runScript.rounds[index]!;
      const modelIndex = 1 + 2 * index;
      const problem = checkModelContent(sent.modelContent, contents[modelIndex]);
      if (problem !== undefined) {
        return fail(`contents[${modelIndex}] is not the model turn the server sent: ${problem}`);
      }
      const responseProblem = checkFunctionResponses(sent.calls, contents[modelIndex + 1]);
      if (responseProblem !== undefined) {
        return fail(
          `contents[${modelIndex + 1}] (results of round ${index + 1}): ${responseProblem}`,
        );
      }
    }
    return round === runScript.rounds.length
      ? { ok: true, answer: { kind: 'final', script: runScript } }
      : { ok: true, answer: { kind: 'round', script: runScript, round } };
  }

  #validateChat(contents: unknown[], firstText: string): Validation {
    const seed = readSeed(firstText);
    if (seed === undefined)
      return fail(`contents[0] text is not a chat prompt: ${JSON.stringify(firstText)}`);
    if (contents.length % 2 === 0) {
      return fail(
        `expected an odd number of contents (user/model pairs + the new user turn), got ${contents.length}`,
      );
    }
    const turn = (contents.length - 1) / 2;
    if (turn >= MAX_CHAT_TURNS) return fail(`more than ${MAX_CHAT_TURNS} chat turns`);
    const turns = this.#chatTurnsOf(seed, turn);
    for (let index = 0; index <= turn; index++) {
      const text = userText(contents[2 * index]);
      const expectedText = turns[index]?.userText ?? chatUserText(seed, index);
      if (text !== expectedText) {
        return fail(`contents[${2 * index}] must be the user turn ${JSON.stringify(expectedText)}`);
      }
      if (index === turn) break;
      const problem = checkModelContent(turns[index]!.modelContent, contents[2 * index + 1]);
      if (problem !== undefined) {
        return fail(`contents[${2 * index + 1}] is not the model turn the server sent: ${problem}`);
      }
    }
    return { ok: true, answer: { kind: 'chat', seed, turn, chat: turns[turn]! } };
  }

  #chatTurnsOf(seed: number, turn: number): ChatTurn[] {
    let turns = this.#chatTurns.get(seed);
    if (turns === undefined) {
      turns = [];
      this.#chatTurns.set(seed, turns);
    }
    while (turns.length <= turn) turns.push(createChatTurn(seed, turns.length));
    return turns;
  }
}

function fail(message: string): Validation {
  return { ok: false, message };
}

function validateLong(contents: unknown[], firstText: string): Validation {
  const chunkCount = readLongChunkCount(firstText);
  if (chunkCount === undefined || contents.length !== 1) {
    return fail('a long-stream request has exactly one user Content with the long prompt');
  }
  return { ok: true, answer: { kind: 'long', chunkCount } };
}

/** The text of a `{ role: 'user', parts: [{ text }] }` content, or undefined for any other shape. */
function userText(content: unknown): string | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const { role, parts } = content as JsonObject;
  if (role !== 'user' || !Array.isArray(parts) || parts.length !== 1) return undefined;
  const part = parts[0] as JsonObject;
  if (typeof part !== 'object' || part === null || Object.keys(part).length !== 1) return undefined;
  return typeof part['text'] === 'string' ? part['text'] : undefined;
}

function missingDeclarations(tools: unknown): string | undefined {
  const names = new Set<unknown>();
  if (Array.isArray(tools)) {
    for (const tool of tools) {
      const declarations = (tool as JsonObject | null)?.['functionDeclarations'];
      if (Array.isArray(declarations)) {
        for (const declaration of declarations) names.add((declaration as JsonObject)?.['name']);
      }
    }
  }
  if (names.has('add') && names.has('multiply')) return undefined;
  return '`tools[].functionDeclarations` must declare `add` and `multiply`';
}

/**
 * Compares a replayed model content with the one sent. A streaming client may keep the empty
 * `{ text: "" }` part that closes a function-call stream or drop it (it carries nothing), so such
 * parts are ignored; everything else must be equal.
 */
function checkModelContent(sent: JsonObject, replayed: unknown): string | undefined {
  let actual = replayed;
  if (typeof replayed === 'object' && replayed !== null) {
    const parts = (replayed as JsonObject)['parts'];
    if (Array.isArray(parts) && parts.some(isBareEmptyText)) {
      actual = {
        ...(replayed as JsonObject),
        parts: parts.filter((part) => !isBareEmptyText(part)),
      };
    }
  }
  return jsonEqual(sent, actual) ? undefined : describeJsonDifference(sent, actual);
}

function isBareEmptyText(part: unknown): boolean {
  if (typeof part !== 'object' || part === null) return false;
  const record = part as JsonObject;
  return record['text'] === '' && Object.keys(record).length === 1;
}

/**
 * Exactly one `functionResponse` per call, in order, with the call's id and name, and a response
 * that holds the tool's result: as the whole response (`{ sum: 7 }`) or under one key, which is
 * how libraries wrap results (`{ output: … }`, AI SDK `{ name, content: … }`). A result sent as a
 * JSON string of the same value counts too.
 */
function checkFunctionResponses(calls: ScriptCall[], content: unknown): string | undefined {
  if (typeof content !== 'object' || content === null) return 'missing';
  const { role, parts } = content as JsonObject;
  if (role !== 'user') return `role must be "user", got ${JSON.stringify(role)}`;
  if (!Array.isArray(parts) || parts.length !== calls.length) {
    return `expected ${calls.length} functionResponse parts, got ${Array.isArray(parts) ? parts.length : 'none'}`;
  }
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index]!;
    const part = parts[index] as JsonObject | null;
    const functionResponse = part?.['functionResponse'] as JsonObject | undefined;
    if (typeof functionResponse !== 'object' || functionResponse === null) {
      return `parts[${index}] is not a functionResponse`;
    }
    if (Object.keys(part!).length !== 1) {
      return `parts[${index}] has fields besides functionResponse: ${Object.keys(part!).join(', ')}`;
    }
    if (functionResponse['id'] !== call.id) {
      return `parts[${index}].functionResponse.id must be ${JSON.stringify(call.id)}, got ${JSON.stringify(functionResponse['id'])}`;
    }
    if (functionResponse['name'] !== call.name) {
      return `parts[${index}].functionResponse.name must be ${call.name}, got ${JSON.stringify(functionResponse['name'])}`;
    }
    if (!holdsResult(functionResponse['response'], call.result)) {
      return `parts[${index}].functionResponse.response does not hold ${call.name}(${JSON.stringify(call.args)}) = ${JSON.stringify(call.result)}: ${JSON.stringify(functionResponse['response'])}`;
    }
  }
  return undefined;
}

function holdsResult(response: unknown, result: ScriptCall['result']): boolean {
  if (typeof response !== 'object' || response === null) return false;
  if (jsonEqual(result, response)) return true;
  for (const value of Object.values(response)) {
    if (jsonEqual(result, value)) return true;
    if (typeof value === 'string' && value.startsWith('{')) {
      try {
        if (jsonEqual(result, JSON.parse(value))) return true;
      } catch {
        // Not JSON: not the result.
      }
    }
  }
  return false;
}
