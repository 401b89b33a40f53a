import type { Content } from '../wire/content.ts';
import type { CreateInteractionRequest, InteractionStep } from '../wire/interaction.ts';
import type { GenerateContentRequest } from '../wire/request.ts';

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
    input: contents.flatMap(toInteractionSteps),
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
  const config = request.generationConfig as Json | undefined;
  if (config !== undefined) {
    const generation: Json = {};
    for (const [from, to] of [
      ['temperature', 'temperature'],
      ['topP', 'top_p'],
      ['maxOutputTokens', 'max_output_tokens'],
      ['seed', 'seed'],
      ['stopSequences', 'stop_sequences'],
    ] as const) {
      if (config[from] !== undefined) generation[to] = config[from];
    }
    if (Object.keys(generation).length > 0) body.generation_config = generation;
    const schema = config['responseJsonSchema'] ?? config['responseSchema'];
    if (config['responseMimeType'] === 'application/json') {
      body.response_format = {
        type: 'text',
        mime_type: 'application/json',
        ...(schema !== undefined ? { schema } : {}),
      };
    }
  }
  return body;
}

/** One content as Interactions steps: the model's turn, or the user's input and function results. */
function toInteractionSteps(content: Content): InteractionStep[] {
  const steps: InteractionStep[] = [];
  const parts = content.parts ?? [];
  if (content.role === 'model') {
    let text = '';
    for (const part of parts) {
      if (part.thought === true) {
        steps.push({
          type: 'thought',
          ...(part.thoughtSignature !== undefined ? { signature: part.thoughtSignature } : {}),
        });
      } else if (part.functionCall !== undefined) {
        steps.push({
          type: 'function_call',
          id: part.functionCall.id ?? part.functionCall.name,
          name: part.functionCall.name,
          arguments: part.functionCall.args ?? {},
          ...(part.thoughtSignature !== undefined ? { signature: part.thoughtSignature } : {}),
        });
      } else if (typeof part.text === 'string') text += part.text;
    }
    if (text !== '') steps.push({ type: 'model_output', content: [{ type: 'text', text }] });
    return steps;
  }
  const texts: Array<{ type: string; text: string }> = [];
  for (const part of parts) {
    if (part.functionResponse !== undefined) {
      steps.push({
        type: 'function_result',
        call_id: part.functionResponse.id ?? part.functionResponse.name,
        name: part.functionResponse.name,
        result: part.functionResponse.response,
      });
    } else if (typeof part.text === 'string') texts.push({ type: 'text', text: part.text });
  }
  if (texts.length > 0) steps.unshift({ type: 'user_input', content: texts });
  return steps;
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
  if (value['googleSearch'] !== undefined) out.push({ type: 'google_search' });
  if (value['codeExecution'] !== undefined) out.push({ type: 'code_execution' });
  if (value['urlContext'] !== undefined) out.push({ type: 'url_context' });
  return out;
}
