import type { AgentOptions } from '../agent/config/agent-options.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { contextWindowOf } from '../models/context-window-of.ts';
import { describeValue, withDefaults } from '../options/define-options.ts';
import { cutName } from '../shared/cut-text.ts';
import { toOpenApiSchema } from '../tools/schema/to-open-api-schema.ts';
import type { AnyTool, FunctionTool } from '../tools/tool.ts';
import type { Content } from '../wire/content.ts';
import type { FunctionDeclaration, Tool as WireTool } from '../wire/request.ts';
import type { LiveToolBehavior } from './live-event.ts';
import { LIVE_SESSION_DEFAULTS, type LiveSessionOptions } from './live-session-options.ts';

/**
 * The context window assumed for a Live model gemloop's table does not know: Google lists 128k
 * input tokens for its Live models (ai.google.dev/gemini-api/docs/models, the native-audio and
 * live rows), far less than the 1M of the generateContent models.
 */
export const DEFAULT_LIVE_CONTEXT_WINDOW = 131_072;

/** What of a live session's options the setup message is made of. @internal */
export type LiveSetupOptions = {
  model: string;
  modality: 'text' | 'audio';
  transcripts: boolean;
  speechConfig: Record<string, unknown> | undefined;
  realtimeInputConfig: Record<string, unknown> | undefined;
  contextWindowTokens: number | undefined;
  contextWindowCompression:
    | false
    | { triggerTokens: number; targetTokens?: number | undefined }
    | undefined;
  toolBehavior: Readonly<Record<string, LiveToolBehavior>> | undefined;
  /** Whether an initial history will be sent (`historyConfig`). */
  history: boolean;
};

/** The setup message for an agent and a session's (or a token's) options. @internal */
export function liveSetupFor(
  agent: AgentOptions<unknown>,
  options: LiveSessionOptions,
): Record<string, unknown> {
  const { modality, transcripts } = withDefaults(LIVE_SESSION_DEFAULTS, options);
  for (const name of ['speechConfig', 'realtimeInputConfig'] as const) {
    if (jsonOf(options[name]) === undefined && options[name] !== undefined) {
      throw new InvalidArgumentError({
        argument: name,
        message: `${name} is sent in the session's setup as JSON, and this one is not JSON (a BigInt, a cycle, or a toJSON that throws): pass plain data.`,
      });
    }
  }
  const setup = buildLiveSetup(agent, {
    model: options.model ?? agent.model,
    modality,
    transcripts,
    speechConfig: options.speechConfig,
    realtimeInputConfig: options.realtimeInputConfig,
    contextWindowTokens: options.contextWindowTokens,
    contextWindowCompression: options.contextWindowCompression,
    toolBehavior: options.toolBehavior,
    history: options.history !== undefined,
  });
  // The setup as the server gets it: every connection sends a copy of it (a resume's made with
  // structuredClone). Before, a BigInt or a cycle threw from the socket's open handler, an
  // uncaught exception, and the session waited connectTimeoutMs for an answer to a setup never
  // sent; a function threw structuredClone's DataCloneError quoting its source (attack60).
  const text = jsonOf(setup);
  if (text === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message:
        "The live session's setup (the agent's instructions, tools and model options) is not JSON (a BigInt, a cycle, or a toJSON that throws): pass plain data.",
    });
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** `value` as JSON text, or `undefined` when it has none or cannot be written. */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * The text of a conversation, as Live's initial history takes it (`clientContent.turns`): user and
 * model turns with their text parts; thoughts, calls, responses and media are left out (what the
 * model needs to go on talking is what was said). Empty turns are dropped. @internal
 */
export function liveHistoryTurns(history: readonly Content[]): Content[] {
  const turns: Content[] = [];
  for (const content of history) {
    const role = content?.role === 'model' ? 'model' : 'user';
    // A stored content without parts (a row written by hand, an older store) has no text to keep.
    if (!Array.isArray(content?.parts)) continue;
    // A part that is no object (`null` in a stored row) has no text: before, it threw a TypeError
    // after the socket had opened, and the session was left open with no one to close it (attack60).
    const parts = content.parts.filter(
      (part) =>
        typeof part === 'object' &&
        part !== null &&
        typeof part.text === 'string' &&
        part.text !== '' &&
        part.thought !== true,
    );
    if (parts.length > 0)
      turns.push({ role, parts: parts.map((part) => ({ text: part.text as string })) });
  }
  return turns;
}

/** The behavior a function tool gets in a live session: the session's override, else its own. @internal */
export function behaviorOf(
  tool: FunctionTool,
  overrides: Readonly<Record<string, LiveToolBehavior>> | undefined,
): LiveToolBehavior {
  // Own keys only: a tool named 'toString' must not get Object.prototype's function.
  const override =
    overrides !== undefined && Object.hasOwn(overrides, tool.name)
      ? overrides[tool.name]
      : undefined;
  return override ?? tool.behavior ?? 'BLOCKING';
}

/**
 * The `setup` message of `BidiGenerateContent` for an agent (LiveClientSetup in @google/genai
 * src/types.ts; the field paths are those of `liveConnectConfigToMldev` in
 * src/converters/_live_converters.ts: responseModalities and speechConfig go in
 * `generationConfig`, the rest at the top). The handle is added per connection.
 * @internal
 */
export function buildLiveSetup(
  agent: AgentOptions<unknown>,
  options: LiveSetupOptions,
): Record<string, unknown> {
  const model = options.model.startsWith('models/') ? options.model : `models/${options.model}`;
  const generationConfig: Record<string, unknown> = { ...liveGenerationConfig(agent) };
  generationConfig['responseModalities'] = [options.modality === 'audio' ? 'AUDIO' : 'TEXT'];
  if (options.speechConfig !== undefined) generationConfig['speechConfig'] = options.speechConfig;
  const setup: Record<string, unknown> = { model, generationConfig };
  const instruction = systemInstructionOf(agent.instructions);
  if (instruction !== undefined) setup['systemInstruction'] = instruction;
  const tools = liveTools(agent.tools ?? [], options.toolBehavior);
  if (tools.length > 0) setup['tools'] = tools;
  if (agent.safetySettings !== undefined) setup['safetySettings'] = agent.safetySettings;
  if (options.realtimeInputConfig !== undefined)
    setup['realtimeInputConfig'] = options.realtimeInputConfig;
  if (options.history) setup['historyConfig'] = { initialHistoryInClientContent: true };
  if (options.modality === 'audio' && options.transcripts) {
    setup['inputAudioTranscription'] = {};
    setup['outputAudioTranscription'] = {};
  }
  // Resumption handles, without `transparent`: @google/genai refuses it for the Gemini API
  // ("transparent parameter is only supported in Gemini Enterprise Agent Platform mode, not in
  // Gemini Developer API mode", sessionResumptionConfigToMldev in
  // src/converters/_live_converters.ts).
  setup['sessionResumption'] = {};
  const compression = compressionOf(options);
  if (compression !== undefined) setup['contextWindowCompression'] = compression;
  return { setup };
}

/**
 * Context window compression, on by default: without it "audio-only sessions are limited to 15
 * minutes" (ai.google.dev/gemini-api/docs/live-session). It triggers at 80 % of the model's
 * window; the sliding window then keeps `targetTokens` ("If not set, trigger_tokens/2 is
 * assumed": SlidingWindow in @google/genai src/types.ts). Token counts are int64, so strings.
 */
function compressionOf(options: LiveSetupOptions): Record<string, unknown> | undefined {
  if (options.contextWindowCompression === false) return undefined;
  if (options.contextWindowCompression !== undefined) {
    const { triggerTokens, targetTokens } = options.contextWindowCompression;
    const slidingWindow = targetTokens === undefined ? {} : { targetTokens: String(targetTokens) };
    return { triggerTokens: String(triggerTokens), slidingWindow };
  }
  const window =
    options.contextWindowTokens ?? contextWindowOf(options.model) ?? DEFAULT_LIVE_CONTEXT_WINDOW;
  return { triggerTokens: String(Math.floor(window * 0.8)), slidingWindow: {} };
}

/** The generationConfig fields the Live API takes (liveConnectConfigToMldev copies these). */
const LIVE_GENERATION_FIELDS = [
  'temperature',
  'topP',
  'topK',
  'maxOutputTokens',
  'seed',
  'mediaResolution',
  'thinkingConfig',
  'enableAffectiveDialog',
] as const;

function liveGenerationConfig(agent: AgentOptions<unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const source = (agent.generationConfig ?? {}) as Record<string, unknown>;
  for (const field of LIVE_GENERATION_FIELDS) {
    if (source[field] !== undefined) config[field] = source[field];
  }
  return config;
}

function systemInstructionOf(
  instructions: AgentOptions<unknown>['instructions'],
): Content | undefined {
  if (instructions === undefined) return undefined;
  if (typeof instructions === 'string') return { parts: [{ text: instructions }] };
  if (Array.isArray(instructions)) return { parts: instructions };
  return instructions as Content;
}

/**
 * The agent's tools as Live declares them. A function's JSON Schema goes as `parameters`, the
 * OpenAPI subset: the Live API "only implements `parameters`" (pydantic-ai's
 * GoogleOpenAPISchemaTransformer, reference peers-2026-11-late.md), and `behavior` is set, a
 * field "currently only supported by the BidiGenerateContent method" (Behavior in @google/genai
 * src/types.ts), which is why defineTool keeps it off the generateContent declaration.
 */
function liveTools(
  tools: readonly AnyTool[],
  overrides: Readonly<Record<string, LiveToolBehavior>> | undefined,
): WireTool[] {
  if (
    overrides !== undefined &&
    (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
  ) {
    // `null` threw a TypeError where each tool's behavior was read (attack60).
    throw new InvalidArgumentError({
      argument: 'toolBehavior',
      message: `toolBehavior must be an object of 'BLOCKING' or 'NON_BLOCKING' by tool name; got ${describeValue(overrides)}.`,
    });
  }
  const declarations: FunctionDeclaration[] = [];
  const builtins: WireTool[] = [];
  for (const tool of tools) {
    if (tool.kind === 'builtin') {
      builtins.push(tool.tool);
      continue;
    }
    const { parametersJsonSchema, ...rest } = tool.declaration;
    const declaration: FunctionDeclaration = { ...rest };
    if (parametersJsonSchema !== undefined) {
      const converted = toOpenApiSchema(parametersJsonSchema as Record<string, unknown>, {
        toolName: tool.name,
      });
      if (converted.schema !== undefined) declaration.parameters = converted.schema;
    }
    const behavior = behaviorOf(tool, overrides);
    if (behavior === 'NON_BLOCKING') declaration.behavior = behavior;
    declarations.push(declaration);
  }
  if (overrides !== undefined) {
    for (const [name, behavior] of Object.entries(overrides)) {
      // A misspelt value ('NONBLOCKING') declared the tool BLOCKING without a word (attack60).
      if (behavior !== 'BLOCKING' && behavior !== 'NON_BLOCKING') {
        throw new InvalidArgumentError({
          argument: 'toolBehavior',
          message: `toolBehavior["${cutName(name)}"] must be 'BLOCKING' or 'NON_BLOCKING'; got ${describeValue(behavior)}.`,
        });
      }
    }
    for (const name of Object.keys(overrides)) {
      if (!declarations.some((declaration) => declaration.name === name)) {
        throw new InvalidArgumentError({
          argument: 'toolBehavior',
          message: `toolBehavior names "${name}", which is not a function tool of the agent. Name one of: ${declarations.map((declaration) => declaration.name).join(', ') || '(none)'}.`,
        });
      }
    }
  }
  return declarations.length === 0
    ? builtins
    : [{ functionDeclarations: declarations }, ...builtins];
}
