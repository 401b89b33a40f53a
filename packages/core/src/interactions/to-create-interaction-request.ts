import { isJsonObject, isSignatureOnlyPart, readThoughtSignature } from '../history/part-fields.ts';
import type { Content, Part } from '../wire/content.ts';
import type { CreateInteractionRequest, InteractionStep } from '../wire/interaction.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { toInteractionGenerationConfig } from './to-interaction-generation-config.ts';

type Json = Record<string, unknown>;

/**
 * A `generateContent` request as an Interactions create body (`@google/genai` 3.1.0's
 * `CreateInteractionParams`: `input` steps, `system_instruction`, `tools` of `type: 'function'`
 * with `name`/`description`/`parameters`, `generation_config`). Hand-written from that source.
 * @internal
 */
export function toCreateInteractionRequest(
  request: GenerateContentRequest,
  contents: Content[],
  previous: string | undefined,
  store: boolean,
): CreateInteractionRequest {
  const body: CreateInteractionRequest = {
    model: request.model.replace(/^models\//, ''),
    input: toInteractionInput(contents),
  };
  if (previous !== undefined) body.previous_interaction_id = previous;
  if (!store) body.store = false;
  const system = request.systemInstruction;
  if (system !== undefined) {
    const parts =
      typeof system === 'string'
        ? [{ text: system }]
        : Array.isArray(system)
          ? system
          : system.parts;
    body.system_instruction = (parts ?? []).map((part) => part.text ?? '').join('');
  }
  const tools = (request.tools ?? []).flatMap(toInteractionTools);
  if (tools.length > 0) body.tools = tools;
  const generation = toInteractionGenerationConfig(request);
  if (generation !== undefined) body.generation_config = generation;
  const config = request.generationConfig as Json | undefined;
  if (config !== undefined && config['responseMimeType'] === 'application/json') {
    const schema = config['responseJsonSchema'] ?? config['responseSchema'];
    body.response_format = {
      type: 'text',
      mime_type: 'application/json',
      ...(schema !== undefined ? { schema } : {}),
    };
  }
  return body;
}

/** The contents as Interactions steps, in order. */
function toInteractionInput(contents: readonly Content[]): InteractionStep[] {
  const ids = new CallIds();
  return contents.flatMap((content) => toInteractionSteps(content, ids));
}

/**
 * Ids for the calls and responses of a history that has none (`generateContent` on Gemini 2.x
 * gives none; the Interactions API pairs a result with its call by id). A call without one gets
 * its name, and the second of that name in the history `name-2`, and so on: two parallel calls of
 * one tool were both sent as `lookup`, their two results both answering `lookup`. A response
 * without one takes the id of the first unanswered call of its name in the turn before it, as
 * Gemini pairs them (by name, in order).
 */
class CallIds {
  readonly #uses = new Map<string, number>();
  #open = new Map<string, string[]>();

  /** A new model turn: the calls it makes are the ones the next responses answer. */
  startTurn(): void {
    this.#open = new Map();
  }

  call(name: string): string {
    const uses = (this.#uses.get(name) ?? 0) + 1;
    this.#uses.set(name, uses);
    const id = uses === 1 ? name : `${name}-${uses}`;
    const open = this.#open.get(name);
    if (open === undefined) this.#open.set(name, [id]);
    else open.push(id);
    return id;
  }

  response(name: string): string {
    return this.#open.get(name)?.shift() ?? name;
  }
}

/** One content as Interactions steps: the model's turn, or the user's input and function results. */
function toInteractionSteps(content: Content, ids: CallIds): InteractionStep[] {
  const steps: InteractionStep[] = [];
  const parts = content.parts ?? [];
  if (content.role === 'model') {
    ids.startTurn();
    // Steps go in the order the model made them: the API lists thoughts "chronologically alongside
    // function calls, user inputs or model outputs" (ai.google.dev/gemini-api/docs/interactions/
    // thinking). So the text and media written so far become a `model_output` step before a
    // thought or a call that follows them (sent after the calls, the turn told the server the model
    // called before it spoke, and text around a call was glued into one piece).
    let output: Json[] = [];
    const flush = (): void => {
      if (output.length > 0) steps.push({ type: 'model_output', content: output });
      output = [];
    };
    // The thought step being gathered: consecutive thought parts are its summary, in order (an
    // image of the summary too), until one carries the signature, as `interactionStepParts`
    // reads a thought step and a stream's fold leaves it. The summary was not sent back, and a
    // summary image was lost: the step went back other than the API gave it.
    let thought: { type: 'thought'; signature?: string; summary: Json[] } | undefined;
    for (const part of parts) {
      const summary = part.thought === true ? toThoughtSummaryItem(part) : undefined;
      if (summary !== undefined) {
        if (thought === undefined) {
          flush();
          thought = { type: 'thought', summary: [] };
          steps.push(thought);
        }
        thought.summary.push(summary);
        const signature = readThoughtSignature(part as Json);
        if (typeof signature === 'string' && signature !== '') {
          thought.signature = signature;
          thought = undefined;
        }
        continue;
      }
      if (part.thought === true && thought !== undefined && isSignatureOnlyThought(part)) {
        // The signature of the thought just gathered (a stream's last delta of it).
        const signature = readThoughtSignature(part as Json);
        if (typeof signature === 'string' && signature !== '') thought.signature = signature;
        thought = undefined;
        continue;
      }
      thought = undefined;
      // A signature alone (a Gemini 3 stream's last part as Go's SDK keeps it), or on a thought
      // of no text, is the signature of the reasoning behind the text before it: its step goes
      // before that text, not after. A thought with text was written after that text.
      if (isSignatureOnlyPart(part as Json) || (part.thought === true && !part.text)) {
        const signature = readThoughtSignature(part as Json);
        steps.push({ type: 'thought', ...(signature !== undefined ? { signature } : {}) });
      } else if (part.functionCall !== undefined) {
        flush();
        steps.push({
          type: 'function_call',
          id: part.functionCall.id ?? ids.call(part.functionCall.name),
          name: part.functionCall.name,
          arguments: part.functionCall.args ?? {},
          ...(part.thoughtSignature !== undefined ? { signature: part.thoughtSignature } : {}),
        });
      } else if (typeof part.text === 'string') {
        pushOwnSignature(steps, part);
        // The text of a turn is one piece (as the API answers it), media kept in its place.
        const last = output.at(-1);
        if (last?.['type'] === 'text') last['text'] = `${last['text'] as string}${part.text}`;
        else if (part.text !== '') output.push({ type: 'text', text: part.text });
      } else {
        const media = toMediaContent(part);
        if (media !== undefined) {
          pushOwnSignature(steps, part);
          output.push(media);
        }
      }
    }
    flush();
    return steps;
  }
  // In order too: the user's text before a function result goes before it, text after it (a
  // history whose user turn answers the calls and then says more) after it, not before the
  // results, between the calls and their answers.
  let input: Json[] = [];
  const flushInput = (): void => {
    if (input.length > 0) steps.push({ type: 'user_input', content: input });
    input = [];
  };
  for (const part of parts) {
    if (part.functionResponse !== undefined) {
      flushInput();
      const response = part.functionResponse;
      const media = (response.parts ?? []).flatMap((piece) => toMediaContent(piece) ?? []);
      steps.push({
        type: 'function_result',
        call_id: response.id ?? ids.response(response.name),
        name: response.name,
        // A failed call answers under Gemini's documented `error` key (toolErrorResponse); the
        // Interactions API says so with `is_error` (FunctionResultStep, @google/genai).
        ...(isErrorResponse(response.response) ? { is_error: true } : {}),
        // A result with media (a computer use screenshot) is a list of contents: the response
        // object goes first, as its JSON text.
        result:
          media.length === 0
            ? response.response
            : [{ type: 'text', text: JSON.stringify(response.response ?? {}) }, ...media],
      });
    } else if (typeof part.text === 'string') input.push({ type: 'text', text: part.text });
    else {
      const media = toMediaContent(part);
      if (media !== undefined) input.push(media);
    }
  }
  flushInput();
  return steps;
}

/**
 * The thought signature of a model's text or media part (Gemini 3's `generateContent` puts a
 * turn's signature on its last part, an image model's on each image), as the `thought` step that
 * goes before it: an Interactions `model_output` and its `TextContent`/`ImageContent` have no
 * signature field (`@google/genai` 2.32.0 `ModelOutputStep`), and the API carries the reasoning
 * behind an output on the thought step before it ("Every thought step contains ... `signature`",
 * ai.google.dev/gemini-api/docs/interactions/thinking). It was dropped (attack58). The same rule
 * as the signature a stream sends alone after the text (`isSignatureOnlyPart` above): read back,
 * the step is a thought part before the text, which is sent again as this same step.
 */
function pushOwnSignature(steps: InteractionStep[], part: Part): void {
  const signature = readThoughtSignature(part as Json);
  if (typeof signature === 'string' && signature !== '') steps.push({ type: 'thought', signature });
}

/**
 * A thought part's summary item: its text (`TextContent`) or its image (`ImageContent`, the
 * `ThoughtSummaryContent` kinds of `@google/genai` 2.32.0), or `undefined` for a thought part
 * with neither (a signature alone).
 */
function toThoughtSummaryItem(part: Part): Json | undefined {
  if (typeof part.text === 'string') {
    return part.text === '' ? undefined : { type: 'text', text: part.text };
  }
  return toMediaContent(part);
}

/** A thought part that carries nothing but (maybe) its signature: `{ thought, text: '' }` too. */
function isSignatureOnlyThought(part: Part): boolean {
  return (
    isSignatureOnlyPart(part as Json) || (part.text === '' && toMediaContent(part) === undefined)
  );
}

/** A function response that reports a failure: an `error` key and no `output`. */
function isErrorResponse(response: unknown): boolean {
  return (
    isJsonObject(response) &&
    response['error'] !== undefined &&
    response['error'] !== null &&
    response['output'] === undefined
  );
}

/**
 * An `inlineData` or `fileData` part as the Interactions content of its kind (`image`, `audio`,
 * `video`, else `document`), with `data` or `uri` and `mime_type`.
 */
function toMediaContent(
  part: Pick<Part, 'inlineData' | 'fileData' | 'mediaResolution'>,
): Json | undefined {
  const inline = part.inlineData;
  if (inline !== undefined && inline !== null && typeof inline.data === 'string') {
    return {
      type: mediaType(inline.mimeType),
      data: inline.data,
      mime_type: inline.mimeType,
      ...toResolution(part.mediaResolution),
    };
  }
  const file = part.fileData;
  if (file !== undefined && file !== null && typeof file.fileUri === 'string') {
    return {
      type: mediaType(file.mimeType),
      uri: file.fileUri,
      ...(typeof file.mimeType === 'string' ? { mime_type: file.mimeType } : {}),
      ...toResolution(part.mediaResolution),
    };
  }
  return undefined;
}

/**
 * A part's `mediaResolution` as the Interactions content's `resolution` (`@google/genai` 2.32.0
 * `MediaResolution`: `low`, `medium`, `high`, `ultra_high`): `MEDIA_RESOLUTION_ULTRA_HIGH` is
 * `ultra_high`. It was dropped, so an image asked for at ULTRA_HIGH was read at the default on
 * this API, and an image the model wrote went back without the resolution it came with. No level,
 * `UNSPECIFIED` or a level of another shape: none (`numTokens` has no Interactions field).
 */
function toResolution(resolution: Part['mediaResolution']): Json {
  const level = resolution?.level;
  if (typeof level !== 'string') return {};
  const match = /^MEDIA_RESOLUTION_([A-Z_]+)$/.exec(level);
  if (match === null || match[1] === 'UNSPECIFIED') return {};
  return { resolution: (match[1] as string).toLowerCase() };
}

function mediaType(mimeType: unknown): string {
  const kind = typeof mimeType === 'string' ? mimeType.split('/')[0]?.toLowerCase() : undefined;
  return kind === 'image' || kind === 'audio' || kind === 'video' ? kind : 'document';
}

/** One `generateContent` tool as Interactions tools (`type: 'function'`, built-in tools by type). */
function toInteractionTools(tool: unknown): unknown[] {
  const value = tool as Json;
  const out: unknown[] = [];
  for (const declaration of (value['functionDeclarations'] as Json[] | undefined) ?? []) {
    out.push({
      type: 'function',
      name: declaration['name'],
      ...(declaration['description'] !== undefined
        ? { description: declaration['description'] }
        : {}),
      parameters: declaration['parametersJsonSchema'] ??
        declaration['parameters'] ?? { type: 'object' },
    });
  }
  const computerUse = value['computerUse'] as Json | undefined;
  if (computerUse !== undefined && computerUse !== null) out.push(toComputerUseTool(computerUse));
  if (value['googleSearch'] !== undefined) out.push({ type: 'google_search' });
  if (value['codeExecution'] !== undefined) out.push({ type: 'code_execution' });
  if (value['urlContext'] !== undefined) out.push({ type: 'url_context' });
  const fileSearch = value['fileSearch'] as Json | undefined;
  if (fileSearch !== undefined && fileSearch !== null) out.push(toFileSearchTool(fileSearch));
  return out;
}

/**
 * The File Search tool as the Interactions API declares it (`@google/genai` 2.18's interactions
 * `FileSearch`: `file_search_store_names`, `metadata_filter`, `top_k`); dropped before, so an
 * agent on this API searched nothing.
 */
function toFileSearchTool(config: Json): Json {
  const tool: Json = {
    type: 'file_search',
    file_search_store_names: config['fileSearchStoreNames'],
  };
  if (config['metadataFilter'] !== undefined) tool['metadata_filter'] = config['metadataFilter'];
  if (config['topK'] !== undefined) tool['top_k'] = config['topK'];
  return tool;
}

/**
 * The computer use tool as the Interactions API declares it: `environment` `browser`, `mobile` or
 * `desktop` (`ENVIRONMENT_BROWSER` on `generateContent`), the safety policies in lower case.
 */
function toComputerUseTool(config: Json): Json {
  const tool: Json = { type: 'computer_use' };
  const environment = config['environment'];
  if (typeof environment === 'string' && environment !== 'ENVIRONMENT_UNSPECIFIED') {
    tool['environment'] = environment.replace(/^ENVIRONMENT_/, '').toLowerCase();
  }
  if (config['excludedPredefinedFunctions'] !== undefined) {
    tool['excluded_predefined_functions'] = config['excludedPredefinedFunctions'];
  }
  if (config['enablePromptInjectionDetection'] !== undefined) {
    tool['enable_prompt_injection_detection'] = config['enablePromptInjectionDetection'];
  }
  const policies = config['disabledSafetyPolicies'];
  if (Array.isArray(policies)) {
    tool['disabled_safety_policies'] = policies.map((policy) =>
      typeof policy === 'string' ? policy.toLowerCase() : policy,
    );
  }
  return tool;
}
