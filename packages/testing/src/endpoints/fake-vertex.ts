import { isJsonObject, readField } from '@gemloop/core/internal';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';

/**
 * A Vertex AI model route: `/{v1|v1beta1}/projects/{project}/locations/{location}/publishers/
 * google/models/{model}:{method}`, with the query.
 */
const vertexRoute =
  /^\/(v1(?:beta1)?)\/projects\/([^/?]+)\/locations\/([^/?]+)\/publishers\/google\/models\/([^/:?]+):([A-Za-z]+)(?:\?(.*))?$/;

/** A request to a Vertex route, parsed. @internal */
export type FakeVertexRoute = {
  apiVersion: string;
  project: string;
  location: string;
  model: string;
  method: string;
  queryText: string | undefined;
};

/** The Vertex route of `path`, or `undefined` for a Gemini API path. @internal */
export function matchVertexRoute(path: string): FakeVertexRoute | undefined {
  if (!path.includes('/projects/')) return undefined;
  const match = vertexRoute.exec(path);
  if (match === null) return undefined;
  const [, apiVersion = 'v1', project = '', location = '', model = '', method = '', queryText] =
    match;
  return { apiVersion, project, location, model, method, queryText };
}

/** Whether a path is meant for Vertex (`/projects/`) but is not a model route the fake serves. */
export function looksLikeVertex(path: string): boolean {
  return /^\/v1(?:beta1)?\/projects\//.test(path);
}

/**
 * Vertex authenticates with an OAuth access token: `Authorization: Bearer <token>`. An API key
 * header, no header, or a token the fake was not given (`accessTokens`) is a 401 UNAUTHENTICATED,
 * in Google's wording for a missing or bad OAuth credential.
 * @internal
 */
export function authenticateVertex(
  headers: Record<string, string | undefined>,
  accessTokens: readonly string[] | undefined,
): FakeHttpError | undefined {
  const authorization = headers['authorization'];
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
  if (
    token === undefined ||
    token === '' ||
    (accessTokens !== undefined && !accessTokens.includes(token))
  ) {
    return googleError(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      { status: 'UNAUTHENTICATED' },
    );
  }
  return undefined;
}

/**
 * The request fields Vertex refuses that the Gemini API takes: `includeServerSideToolInvocations`
 * ("This field is not supported in Vertex AI", js-genai `ToolConfig`), `mcpServers` ("not
 * supported in Vertex AI", js-genai `McpServer`); and `streamFunctionCallArguments` on a unary
 * call (it streams arguments, so only `streamGenerateContent` takes it). The API's proto parser
 * answers an unknown field with "Invalid JSON payload received. Unknown name ...".
 * @internal
 */
export function checkVertexBody(body: unknown, stream: boolean): FakeHttpError | undefined {
  if (!isJsonObject(body)) return undefined;
  const toolConfig = readField(body, 'toolConfig', 'tool_config');
  if (isJsonObject(toolConfig)) {
    if (
      readField(
        toolConfig,
        'includeServerSideToolInvocations',
        'include_server_side_tool_invocations',
      ) !== undefined
    ) {
      return unknownName('include_server_side_tool_invocations', 'tool_config');
    }
    const calling = readField(toolConfig, 'functionCallingConfig', 'function_calling_config');
    if (
      !stream &&
      isJsonObject(calling) &&
      readField(calling, 'streamFunctionCallArguments', 'stream_function_call_arguments') === true
    ) {
      // Approximated: Vertex's wording for this is not recorded.
      return googleError(
        400,
        'Unable to submit request because stream_function_call_arguments is only supported by streamGenerateContent.',
      );
    }
  }
  const tools = body['tools'];
  if (Array.isArray(tools)) {
    for (const [index, tool] of tools.entries()) {
      if (isJsonObject(tool) && readField(tool, 'mcpServers', 'mcp_servers') !== undefined) {
        return unknownName('mcp_servers', `tools[${index}]`);
      }
    }
  }
  return undefined;
}

/**
 * Vertex's `countTokens` body: `contents`, `systemInstruction`, `tools`, `generationConfig` (and
 * `instances`, `model`), no `generateContentRequest` (aiplatform v1 `CountTokensRequest`;
 * js-genai's `countTokensConfigToVertex` writes the fields beside `contents`). Anything else is
 * an unknown name to the proto parser.
 * @internal
 */
export function checkVertexCountTokensBody(body: unknown): FakeHttpError | undefined {
  if (!isJsonObject(body)) return undefined;
  const known = [
    'contents',
    'systemInstruction',
    'system_instruction',
    'tools',
    'generationConfig',
    'generation_config',
    'instances',
    'model',
    'endpoint',
  ];
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  return unknown === undefined ? undefined : unknownName(unknown, 'CountTokensRequest');
}

/** Whether a Vertex stream should send function-call arguments in pieces. @internal */
export function wantsStreamedArguments(body: unknown): boolean {
  if (!isJsonObject(body)) return false;
  const toolConfig = readField(body, 'toolConfig', 'tool_config');
  if (!isJsonObject(toolConfig)) return false;
  const calling = readField(toolConfig, 'functionCallingConfig', 'function_calling_config');
  return (
    isJsonObject(calling) &&
    readField(calling, 'streamFunctionCallArguments', 'stream_function_call_arguments') === true
  );
}

function unknownName(field: string, at: string): FakeHttpError {
  return googleError(
    400,
    `Invalid JSON payload received. Unknown name "${field}" at '${at}': Cannot find field.`,
  );
}
