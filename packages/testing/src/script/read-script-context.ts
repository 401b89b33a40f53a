import {
  hasNonEmptyText,
  isJsonObject,
  readField,
  readFunctionResponse,
  readRole,
} from '@gemloop/core/internal';
import type { ModelCapabilities } from '@gemloop/core/models';
import type { FunctionDeclaration, FunctionResponse } from '@gemloop/core/wire';
import type { FakeScriptContext } from './fake-types.ts';

/**
 * The conveniences a script function gets: the last user text, the function responses just sent
 * back, and the declared functions, read from either JSON spelling and normalised to camelCase.
 * @internal
 */
export function readScriptContext(
  body: unknown,
  base: {
    callIndex: number;
    turnIndex: number;
    gemini3: boolean;
    capabilities: ModelCapabilities;
    fileSearchResults?: FakeScriptContext['fileSearchResults'];
  },
): FakeScriptContext {
  const contents = isJsonObject(body) && Array.isArray(body['contents']) ? body['contents'] : [];
  // Read on first use: a benchmark's script function rarely looks at them.
  let lastUserText: { value: string | undefined } | undefined;
  let functionResponses: FunctionResponse[] | undefined;
  let functionDeclarations: FunctionDeclaration[] | undefined;
  return {
    ...base,
    get lastUserText() {
      lastUserText ??= { value: readLastUserText(contents) };
      return lastUserText.value;
    },
    get functionResponses() {
      functionResponses ??= readLastResponses(contents);
      return functionResponses;
    },
    get functionDeclarations() {
      functionDeclarations ??= readDeclarations(isJsonObject(body) ? body['tools'] : undefined);
      return functionDeclarations;
    },
  };
}

function readLastUserText(contents: readonly unknown[]): string | undefined {
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index];
    if (!isJsonObject(content) || readRole(content) !== 'user' || !hasNonEmptyText(content)) {
      continue;
    }
    const parts = content['parts'] as unknown[];
    return parts
      .map((part) => (isJsonObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
      .filter((text) => text !== '')
      .join('\n');
  }
  return undefined;
}

/**
 * The responses of the run of user contents that ends the history: the API reads consecutive
 * contents of one role as one turn, so three calls answered by three user contents are answered
 * together (issue 26).
 */
function readLastResponses(contents: readonly unknown[]): FunctionResponse[] {
  let start = contents.length;
  while (start > 0 && isUserContent(contents[start - 1])) start--;
  const responses: FunctionResponse[] = [];
  for (let index = start; index < contents.length; index++) {
    readFunctionResponses(contents[index] as Record<string, unknown>, responses);
  }
  return responses;
}

function isUserContent(content: unknown): content is Record<string, unknown> {
  return isJsonObject(content) && readRole(content) === 'user';
}

function readFunctionResponses(content: Record<string, unknown>, responses: FunctionResponse[]) {
  if (!Array.isArray(content['parts'])) return;
  for (const part of content['parts']) {
    if (!isJsonObject(part)) continue;
    const response = readFunctionResponse(part);
    if (!isJsonObject(response) || typeof response['name'] !== 'string') continue;
    const normalized: FunctionResponse = {
      name: response['name'],
      response: isJsonObject(response['response']) ? response['response'] : {},
    };
    if (typeof response['id'] === 'string') normalized.id = response['id'];
    responses.push(normalized);
  }
}

function readDeclarations(tools: unknown): FunctionDeclaration[] {
  if (!Array.isArray(tools)) return [];
  const declarations: FunctionDeclaration[] = [];
  for (const tool of tools) {
    if (!isJsonObject(tool)) continue;
    const list = readField(tool, 'functionDeclarations', 'function_declarations');
    if (!Array.isArray(list)) continue;
    for (const declaration of list) {
      if (!isJsonObject(declaration) || typeof declaration['name'] !== 'string') continue;
      const normalized: FunctionDeclaration = { name: declaration['name'] };
      if (typeof declaration['description'] === 'string') {
        normalized.description = declaration['description'];
      }
      const parameters = readField(declaration, 'parameters', 'parameters');
      if (isJsonObject(parameters)) normalized.parameters = parameters;
      const jsonSchema = readField(declaration, 'parametersJsonSchema', 'parameters_json_schema');
      if (jsonSchema !== undefined) {
        normalized.parametersJsonSchema = jsonSchema as FunctionDeclaration['parametersJsonSchema'];
      }
      declarations.push(normalized);
    }
  }
  return declarations;
}
