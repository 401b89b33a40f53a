import { InvalidArgumentError } from '@gemloop/core';
import {
  cutText,
  defineOptions,
  integerOption,
  isJsonObject,
  readField,
  stringOption,
} from '@gemloop/core/internal';
import { type FakeTurnOptions, turn } from '../script/fake-turn.ts';
import type { FakeScriptFunction } from '../script/fake-types.ts';
import { answerWithSearch, declaresGoogleSearch } from './answer-with-search.ts';
import { buildJsonAnswer } from './build-json-answer.ts';
import { composeDemoAnswer, summarizeExchanges } from './compose-demo-answer.ts';
import { evaluateArithmetic } from './evaluate-arithmetic.ts';
import { findExpression, prettyExpression } from './find-values.ts';
import { type CallingMode, type PlannedCall, planDemoCalls } from './plan-demo-calls.ts';
import { readInstructedReply } from './read-instructed-reply.ts';
import { type Exchange, readLatestExchanges, readLoopExchanges } from './read-loop-exchanges.ts';
import { humanizeName } from './read-words.ts';

/** The `modelVersion` the demo model answers with, so no one mistakes it for Gemini. */
export const DEMO_MODEL_VERSION = 'gemloop-demo-simulator';

/** How much of the user's text the demo model reads. */
const MAX_QUESTION_CHARS = 2000;

/** Options of {@link demoModel}. */
export type DemoModelOptions = {
  /** @defaultValue {@link DEMO_MODEL_VERSION} */
  modelVersion?: string | undefined;
  /** The most calls it makes in one turn. @defaultValue 8 */
  maxCallsPerTurn?: number | undefined;
};

// Refused where given: a maxCallsPerTurn of -1 reached `calls.slice(0, max)` and dropped the last
// call, NaN dropped them all, and a misspelt option was ignored.
const demoModelOptions = defineOptions<DemoModelOptions>({
  name: 'demoModel',
  example: '{ maxCallsPerTurn: 8 }',
  checks: {
    modelVersion: stringOption({ nonEmpty: true }),
    maxCallsPerTurn: integerOption({ min: 1 }),
  },
});

/**
 * An offline, deterministic stand-in for a Gemini model, as a script for
 * {@link @gemloop/testing!createFakeGemini | createFakeGemini}: it plays a plausible agent from the declared tools and the user's
 * words, with no network and no API key. **It is a simulator**: it matches words, it does not
 * understand them, and every answer carries `modelVersion: 'gemloop-demo-simulator'`.
 *
 * - It reads the function declarations (names, descriptions, parameter names, types, enums) and
 *   splits the question into clauses; each clause that fits a tool becomes a call, with argument
 *   values taken from the text (places, time zones, dates, numbers, units, arithmetic
 *   expressions, URLs, paths, file patterns, ids, quoted text). "What's the weather in Paris and
 *   Tokyo, and what is 18 °C in Fahrenheit?" gives two weather calls and one conversion call, in
 *   parallel, in one turn; so do "Paris, Tokyo and New York weather" (three calls) and
 *   "London weather?".
 * - After the function responses come back it answers in plain sentences built from them, one
 *   per call ("Paris, France: 18 °C, partly cloudy (simulated).", "18 °C = 64.4 °F.",
 *   "23 × 19 = 437."), failures said as such. It reads any tool's result by its keys: a
 *   temperature, a conversion, an expression's result, a readable text, a list, an action; else a
 *   compact `key: value` list.
 * - When the request asks for JSON (`responseMimeType: 'application/json'` with
 *   `responseJsonSchema` or `responseSchema`) it answers a JSON value that satisfies the schema,
 *   filled from the tool results (matching keys, synonyms, prefixes), also in gemloop's last
 *   structured-output call on Gemini 2.x, which has no tools and ends with a note: the results
 *   are then read from the loop before the note.
 * - It never calls a tool that is not declared (nor one excluded by `allowedFunctionNames` or
 *   mode `NONE`). When no tool fits it answers directly: plain arithmetic is computed, a tool
 *   that needs a place nobody named gets a question back ("Which place do you mean?"), anything
 *   else gets an honest "I am a simulator" reply.
 * - With `thinkingConfig.includeThoughts` it adds a one-line thought summary.
 *
 * @example
 * ```ts
 * const fake = createFakeGemini({ script: demoModel() });
 * const { url } = await fake.listen();
 * const agent = createAgent({ gemini: createGemini({ baseUrl: url, apiKey: 'demo' }), tools });
 * ```
 */
export function demoModel(options: DemoModelOptions = {}): FakeScriptFunction {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: `demoModel takes an options object ({ modelVersion?, maxCallsPerTurn? }) or nothing; got ${options === null ? 'null' : typeof options}.`,
    });
  }
  demoModelOptions.check(options);
  const { modelVersion = DEMO_MODEL_VERSION, maxCallsPerTurn = 8 } = options;
  return (request, context) => {
    const body = request.body as unknown as Record<string, unknown>;
    const contents = Array.isArray(body['contents']) ? (body['contents'] as unknown[]) : [];
    // Questions are short; a pasted page is read up to a bound, so matching stays fast.
    const question = cutText(context.lastUserText ?? '', MAX_QUESTION_CHARS);
    const options: FakeTurnOptions = { modelVersion };
    const jsonSchema = readJsonSchema(body);
    const declarations = context.functionDeclarations;
    // A system instruction that names the one word to reply with wins over the question, as it
    // does with a real model (gemloop probe checks the instruction reached the model this way).
    const instructed = jsonSchema === undefined ? readInstructedReply(body) : undefined;
    if (instructed !== undefined) {
      return turn.text(
        instructed,
        withThoughts(body, options, 'The system instruction names the reply.'),
      );
    }
    // gemloop's notes ("Now give your final answer as JSON ...", "Your answer does not match the
    // required JSON schema ...") ask for the answer; they are not a new question to plan calls for.
    const isJsonNote = jsonSchema !== undefined && /\b(json|schema)\b/i.test(question);
    let missingPlace: string | undefined;
    if (context.functionResponses.length === 0 && !isJsonNote) {
      const earlier = readLatestExchanges(contents).exchanges.map((exchange) => exchange.name);
      const plan = planDemoCalls(
        question,
        declarations,
        readCallingMode(body),
        maxCallsPerTurn,
        earlier,
      );
      if (plan.calls.length > 0) {
        return turn.calls(plan.calls, withThoughts(body, options, planThought(plan.calls)));
      }
      missingPlace = plan.missingPlace?.name;
    }
    let exchanges = readLoopExchanges(contents);
    let asked = question;
    if (
      jsonSchema !== undefined &&
      exchanges.length === 0 &&
      (isJsonNote || declarations.length === 0)
    ) {
      // Gemini 2.x cannot take the schema and tools together, so gemloop asks for the JSON in a
      // last call without tools, after a note: the results to use are in the loop before it.
      const latest = readLatestExchanges(contents);
      exchanges = latest.exchanges;
      asked =
        latest.question === undefined ? question : cutText(latest.question, MAX_QUESTION_CHARS);
    }
    if (
      exchanges.length === 0 &&
      missingPlace === undefined &&
      jsonSchema === undefined &&
      declaresGoogleSearch(body)
    ) {
      return answerWithSearch(
        question,
        withThoughts(body, options, 'No function fits; searching the web.'),
      );
    }
    const summary =
      exchanges.length > 0
        ? composeDemoAnswer(exchanges)
        : missingPlace !== undefined
          ? `Which place do you mean? Name a city and I will call ${missingPlace} for it.`
          : directAnswer(
              question,
              declarations.map((declaration) => declaration.name),
            );
    if (jsonSchema !== undefined) {
      const thought = 'Formatting the answer as JSON that follows the requested schema.';
      const value = buildJsonAnswer(jsonSchema, {
        question: asked,
        exchanges,
        summary: exchanges.length > 0 ? summarizeExchanges(exchanges) : summary,
      });
      return turn.json(value, withThoughts(body, options, thought));
    }
    return turn.text(summary, withThoughts(body, options, answerThought(exchanges)));
  };
}

function readCallingMode(body: Record<string, unknown>): CallingMode {
  const toolConfig = readField(body, 'toolConfig', 'tool_config');
  const config = isJsonObject(toolConfig)
    ? readField(toolConfig, 'functionCallingConfig', 'function_calling_config')
    : undefined;
  if (!isJsonObject(config)) return { mode: 'AUTO', allowed: undefined };
  const allowed = readField(config, 'allowedFunctionNames', 'allowed_function_names');
  return {
    mode: typeof config['mode'] === 'string' ? config['mode'] : 'AUTO',
    allowed: Array.isArray(allowed)
      ? allowed.filter((name): name is string => typeof name === 'string')
      : undefined,
  };
}

function readJsonSchema(body: Record<string, unknown>): unknown {
  const config = readField(body, 'generationConfig', 'generation_config');
  if (!isJsonObject(config)) return undefined;
  const mime = readField(config, 'responseMimeType', 'response_mime_type');
  if (mime !== 'application/json') return undefined;
  return (
    readField(config, 'responseJsonSchema', 'response_json_schema') ??
    readField(config, 'responseSchema', 'response_schema') ??
    {}
  );
}

function withThoughts(
  body: Record<string, unknown>,
  options: FakeTurnOptions,
  thought: string,
): FakeTurnOptions {
  const config = readField(body, 'generationConfig', 'generation_config');
  const thinking = isJsonObject(config)
    ? readField(config, 'thinkingConfig', 'thinking_config')
    : undefined;
  const include = isJsonObject(thinking)
    ? readField(thinking, 'includeThoughts', 'include_thoughts')
    : undefined;
  return include === true ? { ...options, thoughts: `**Planning**\n\n${thought}` } : options;
}

function planThought(calls: readonly PlannedCall[]): string {
  const names = [...new Set(calls.map((call) => call.name))];
  return `The question needs ${calls.length} tool call(s): ${names.join(', ')}. I will make them together.`;
}

function answerThought(exchanges: readonly Exchange[]): string {
  return exchanges.length === 0
    ? 'No tool fits; answering directly.'
    : `I have ${exchanges.length} result(s); summarising them for the user.`;
}

function directAnswer(question: string, tools: readonly string[]): string {
  const trimmed = question.trim();
  const expression = findExpression(trimmed);
  const value = expression === undefined ? undefined : evaluateArithmetic(expression);
  if (expression !== undefined && value !== undefined) {
    return `${prettyExpression(expression)} = ${value}.`;
  }
  if (/^(thanks|thank you|thx|cheers)\b/i.test(trimmed)) {
    return "You're welcome! (I'm the gemloop demo simulator: offline, no real model behind me.)";
  }
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/i.test(trimmed) || trimmed === '') {
    return tools.length === 0
      ? "Hello! I'm the gemloop demo model, an offline simulator: no real model runs behind me, but I can show how an agent loop works. Give me some tools and ask a question they can answer."
      : `Hello! I'm the gemloop demo model, an offline simulator. I can use these tools: ${tools.map(humanizeName).join(', ')}. What would you like to know?`;
  }
  const toolHint =
    tools.length === 0
      ? 'Give me a tool (a weather, search or calculator tool, for example) and I will call it.'
      : `None of my tools (${tools.join(', ')}) fits this question, so I have nothing to look up.`;
  return `I'm the gemloop demo simulator: I run offline with no real model, so I can only answer what my tools cover. You asked: "${trimmed.length > 200 ? `${cutText(trimmed, 197)}...` : trimmed}". ${toolHint}`;
}
