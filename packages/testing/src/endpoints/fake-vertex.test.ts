import { describe, expect, it } from 'vitest';
import {
  authenticateVertex,
  checkVertexBody,
  checkVertexCountTokensBody,
  looksLikeVertex,
  matchVertexRoute,
  wantsStreamedArguments,
} from './fake-vertex.ts';

// The Vertex AI side of the fake: its publisher-model routes, its OAuth-only authentication,
// and the request fields Vertex refuses that the Gemini API takes (js-genai's Vertex converters
// and the proto parser's "Unknown name" words).

describe('matchVertexRoute', () => {
  it('reads the version, project, location, model, method and query of a publisher route', () => {
    expect(
      matchVertexRoute(
        '/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      ),
    ).toEqual({
      apiVersion: 'v1',
      project: 'my-proj',
      location: 'us-central1',
      model: 'gemini-2.5-flash',
      method: 'streamGenerateContent',
      queryText: 'alt=sse',
    });
    expect(
      matchVertexRoute(
        '/v1beta1/projects/p/locations/global/publishers/google/models/m:countTokens',
      ),
    ).toMatchObject({ apiVersion: 'v1beta1', location: 'global', queryText: undefined });
  });

  it.each([
    '/v1beta/models/gemini-2.5-flash:generateContent',
    '/v1/projects/p/locations/l/publishers/anthropic/models/claude:rawPredict',
    '/v1/projects/p/locations/l/publishers/google/models/m',
    '/v1/projects/p/locations/l/publishers/google/models/m:generate-content',
    '/v2/projects/p/locations/l/publishers/google/models/m:generateContent',
    '/v1/projects/p/../locations/l/publishers/google/models/m:generateContent',
    '/v1/projects//locations/l/publishers/google/models/m:generateContent',
  ])('takes %s for no publisher model route', (path) => {
    expect(matchVertexRoute(path)).toBeUndefined();
  });

  it('tells a Vertex path by its prefix, whatever follows', () => {
    expect(looksLikeVertex('/v1/projects/p/anything')).toBe(true);
    expect(looksLikeVertex('/v1beta1/projects/p')).toBe(true);
    expect(looksLikeVertex('/v1beta/projects/p')).toBe(false);
    expect(looksLikeVertex('/gateway/v1/projects/p')).toBe(false);
  });
});

describe('authenticateVertex', () => {
  it('takes any bearer token without a list, and only the listed ones with one', () => {
    expect(authenticateVertex({ authorization: 'Bearer ya29.token' }, undefined)).toBeUndefined();
    expect(
      authenticateVertex({ authorization: 'Bearer ya29.token' }, ['ya29.token']),
    ).toBeUndefined();
    expect(authenticateVertex({ authorization: 'Bearer other' }, ['ya29.token'])?.status).toBe(401);
  });

  it.each([
    ['no header', {}],
    ['an API key', { 'x-goog-api-key': 'AIzaSyExample' }],
    ['an empty bearer', { authorization: 'Bearer   ' }],
    ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a lower-case scheme', { authorization: 'bearer ya29.token' }],
  ])('refuses %s with 401 UNAUTHENTICATED in Google’s words', (_case, headers) => {
    const refused = authenticateVertex(headers, undefined);
    expect(refused?.status).toBe(401);
    expect(refused?.body.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      message: expect.stringContaining('Expected OAuth 2 access token'),
    });
  });
});

describe('checkVertexBody', () => {
  it('refuses includeServerSideToolInvocations in either spelling, as an unknown name', () => {
    for (const body of [
      { toolConfig: { includeServerSideToolInvocations: true } },
      { tool_config: { include_server_side_tool_invocations: false } },
    ]) {
      const refused = checkVertexBody(body, false);
      expect(refused?.status).toBe(400);
      expect(refused?.body.error.message).toContain('include_server_side_tool_invocations');
    }
  });

  it('refuses mcpServers in a tool, naming where', () => {
    const refused = checkVertexBody({ tools: [{ googleSearch: {} }, { mcpServers: [] }] }, true);
    expect(refused?.body.error.message).toContain('mcp_servers');
    expect(refused?.body.error.message).toContain('tools[1]');
  });

  it('takes streamFunctionCallArguments on a stream only', () => {
    const body = { toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } } };
    expect(checkVertexBody(body, true)).toBeUndefined();
    expect(checkVertexBody(body, false)?.body.error.message).toContain(
      'only supported by streamGenerateContent',
    );
    expect(wantsStreamedArguments(body)).toBe(true);
    expect(
      wantsStreamedArguments({
        tool_config: { function_calling_config: { stream_function_call_arguments: true } },
      }),
    ).toBe(true);
  });

  it.each([
    null,
    'text',
    [1],
    { toolConfig: null },
    { toolConfig: { functionCallingConfig: 'AUTO' } },
    { tools: 'x' },
    { tools: [null, 7] },
  ])('lets a body it cannot read through (%j): the proto parser judges it elsewhere', (body) => {
    expect(checkVertexBody(body, false)).toBeUndefined();
    expect(wantsStreamedArguments(body)).toBe(false);
  });
});

describe('checkVertexCountTokensBody', () => {
  it('takes the fields Vertex countTokens reads beside contents', () => {
    expect(
      checkVertexCountTokensBody({
        contents: [],
        systemInstruction: {},
        tools: [],
        generationConfig: {},
        model: 'm',
      }),
    ).toBeUndefined();
  });

  it('refuses generateContentRequest, which only the Gemini API takes, as an unknown name', () => {
    const refused = checkVertexCountTokensBody({ generateContentRequest: { contents: [] } });
    expect(refused?.status).toBe(400);
    expect(refused?.body.error.message).toMatch(/Unknown name/);
  });
});
