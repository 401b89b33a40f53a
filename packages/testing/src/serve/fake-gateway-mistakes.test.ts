import { describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

const question = { contents: [{ role: 'user', parts: [{ text: 'Hello?' }] }] };

describe('createFakeGemini gatewayMistakes', () => {
  it('refuses an unknown mistake, naming the known ones', () => {
    expect(() =>
      createFakeGemini({ gatewayMistakes: ['no-such-mistake' as 'trailing-done'] }),
    ).toThrow(/unknown mistake "no-such-mistake"; the mistakes are signatures-in-text/);
  });

  it('changes only what its mistake is about: a unary answer stays byte-exact under trailing-done', async () => {
    const plain = createFakeGemini({ script: () => turn.text('Same.') });
    const broken = createFakeGemini({
      script: () => turn.text('Same.'),
      gatewayMistakes: 'trailing-done',
    });
    expect((await callFake(broken, question)).text).toBe((await callFake(plain, question)).text);
    const stream = await callFake(broken, question, { mode: 'sse' });
    expect(stream.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('drops call ids from unary answers and SSE chunks alike', async () => {
    const fake = createFakeGemini({
      script: () => turn.call('f', { a: 1 }),
      gatewayMistakes: ['drop-call-ids'],
    });
    const body = {
      ...question,
      tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
    };
    const unary = await callFake(fake, body, { model: 'gemini-3-flash-preview' });
    expect(unary.text).toContain('"functionCall"');
    expect(unary.text).not.toMatch(/"id"/);
    const sse = await callFake(fake, body, { model: 'gemini-3-flash-preview', mode: 'sse' });
    expect(sse.text).toContain('"functionCall"');
    expect(sse.text).not.toMatch(/"id"/);
  });
});

describe('each gateway mistake on the wire', () => {
  const withTool = {
    ...question,
    tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
  };
  const sseEvents = (text: string) =>
    text
      .split(/\r?\n\r?\n/)
      .filter((event) => event !== '')
      .map((event) => event.replace(/^data: /, ''));

  it('signatures-in-text: the call loses its signature to a text part, before it', async () => {
    const fake = createFakeGemini({
      script: () => turn.calls([{ name: 'f', args: {} }], { text: 'Calling.' }),
      gatewayMistakes: ['signatures-in-text'],
    });
    const { json } = await callFake(fake, withTool);
    const parts = (json as { candidates: { content: { parts: Record<string, unknown>[] } }[] })
      .candidates[0]?.content.parts;
    expect(parts?.[0]).toMatchObject({ text: 'Calling.', thoughtSignature: expect.any(String) });
    expect(parts?.[1]).toHaveProperty('functionCall');
    expect(parts?.[1]).not.toHaveProperty('thoughtSignature');
  });

  it('signatures-in-text: a call without a text gets an empty text part to carry it', async () => {
    const fake = createFakeGemini({
      script: () => turn.call('f', {}),
      gatewayMistakes: ['signatures-in-text'],
    });
    const { json } = await callFake(fake, withTool);
    const parts = (json as { candidates: { content: { parts: Record<string, unknown>[] } }[] })
      .candidates[0]?.content.parts;
    expect(parts).toEqual([
      { text: '', thoughtSignature: expect.any(String) },
      { functionCall: expect.objectContaining({ name: 'f' }) },
    ]);
  });

  it('openai-chunks: the stream speaks chat.completion.chunk, then [DONE]', async () => {
    const fake = createFakeGemini({
      script: () => turn.text('Hello there, how are you today?'),
      gatewayMistakes: ['openai-chunks'],
    });
    const { text } = await callFake(fake, question, { mode: 'sse' });
    const events = sseEvents(text);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunks.map((chunk) => chunk.choices[0].delta.content).join('')).toBe(
      'Hello there, how are you today?',
    );
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    // The unary endpoint is left as it was.
    const unary = await callFake(fake, question);
    expect(unary.json).toHaveProperty('candidates');
  });

  it('refuse-bearer and refuse-x-goog-api-key: a 401 in the gateway’s own shape, the other header works', async () => {
    const bearerRefused = createFakeGemini({
      script: () => turn.text('ok'),
      gatewayMistakes: ['refuse-bearer'],
    });
    const refused = await callFake(bearerRefused, question, {
      apiKey: null,
      headers: { authorization: 'Bearer test-key' },
    });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({
      error: { code: 401, message: 'Invalid token', status: 'UNAUTHENTICATED' },
    });
    expect((await callFake(bearerRefused, question)).status).toBe(200);

    const keyRefused = createFakeGemini({
      script: () => turn.text('ok'),
      gatewayMistakes: ['refuse-x-goog-api-key'],
    });
    expect((await callFake(keyRefused, question)).status).toBe(401);
    const byBearer = await callFake(keyRefused, question, {
      apiKey: null,
      headers: { authorization: 'Bearer test-key' },
    });
    expect(byBearer.status).toBe(200);
    // A refused request never reaches the model: the script is not spent on it.
    expect(keyRefused.modelRequests).toHaveLength(1);
  });

  it('ignore-alt-sse: the stream endpoint answers the JSON array form', async () => {
    const fake = createFakeGemini({
      script: () => turn.text('Array form.'),
      gatewayMistakes: ['ignore-alt-sse'],
    });
    const { text, json, headers } = await callFake(fake, question, { mode: 'sse' });
    expect(text.trimStart().startsWith('[')).toBe(true);
    expect(Array.isArray(json)).toBe(true);
    expect(headers.get('content-type')).not.toContain('text/event-stream');
  });

  it('no-retry-info: a 429 loses its RetryInfo and keeps its other details', async () => {
    const plain = createFakeGemini({ faults: [{ fault: { type: 'rate-limit' } }] });
    const broken = createFakeGemini({
      faults: [{ fault: { type: 'rate-limit' } }],
      gatewayMistakes: ['no-retry-info'],
    });
    const typesOf = (json: unknown) =>
      (json as { error: { details: { '@type': string }[] } }).error.details.map(
        (detail) => detail['@type'],
      );
    const before = typesOf((await callFake(plain, question)).json);
    const after = typesOf((await callFake(broken, question)).json);
    expect(before).toContain('type.googleapis.com/google.rpc.RetryInfo');
    expect(after).toEqual(before.filter((type) => !type.endsWith('RetryInfo')));
  });

  it('openai-error-body: an error in OpenAI’s shape, with Google’s message', async () => {
    const fake = createFakeGemini({
      faults: [{ fault: { type: 'overloaded' } }],
      gatewayMistakes: ['openai-error-body'],
    });
    const { status, json } = await callFake(fake, question);
    expect(status).toBe(503);
    expect(json).toEqual({
      error: {
        message: 'The model is overloaded. Please try again later.',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('snake-case: model answers in the proto field names, the tool data as it was', async () => {
    const fake = createFakeGemini({
      script: () => turn.call('f', { wordList: ['a'], inner_key: { camelCase: 1 } }),
      gatewayMistakes: ['snake-case'],
    });
    const body = {
      ...question,
      tools: [{ functionDeclarations: [{ name: 'f', description: 'F.' }] }],
    };
    const unary = await callFake(fake, body, { model: 'gemini-3-flash-preview' });
    const candidate = (unary.json as { candidates: Record<string, unknown>[] }).candidates[0];
    expect(candidate).toMatchObject({ finish_reason: 'STOP', finish_message: expect.any(String) });
    expect(candidate).not.toHaveProperty('finishReason');
    const part = (candidate?.['content'] as { parts: Record<string, unknown>[] } | undefined)
      ?.parts[0];
    expect(part).toMatchObject({
      function_call: { name: 'f', args: { wordList: ['a'], inner_key: { camelCase: 1 } } },
      thought_signature: expect.any(String),
    });
    expect(unary.json).toHaveProperty('usage_metadata.prompt_token_count');
    expect(unary.json).not.toHaveProperty('usageMetadata');
    const sse = await callFake(fake, body, { model: 'gemini-3-flash-preview', mode: 'sse' });
    const chunks = sseEvents(sse.text).map((event) => JSON.stringify(JSON.parse(event)));
    expect(chunks.join('')).toContain('"usage_metadata"');
    expect(chunks.join('')).toContain('"function_call"');
    expect(chunks.join('')).not.toMatch(/"(usageMetadata|functionCall|finishReason)"/);
    // The other resources too since snake47 (gemloop reads them): the models list as well.
    const models = await fake.fetch('https://generativelanguage.googleapis.com/v1beta/models', {
      headers: { 'x-goog-api-key': 'test-key' },
    });
    const list = JSON.stringify(await models.json());
    expect(list).toContain('"input_token_limit"');
    expect(list).not.toContain('"inputTokenLimit"');
  });

  it('snake-case: a long-decode answer is continued with the token it wrote as continuation_token', async () => {
    const fake = createFakeGemini({
      script: () => turn.continued([turn.text('One. '), turn.text('Two.')]),
      gatewayMistakes: ['snake-case'],
    });
    const first = await callFake(fake, question);
    const candidate = (first.json as { candidates: Record<string, unknown>[] }).candidates[0];
    expect(candidate?.['finish_reason']).toBe('CONTINUATION');
    const token = candidate?.['continuation_token'];
    expect(token).toMatch(/^fake-ct-/);
    const second = await callFake(fake, { ...question, continuationToken: token });
    expect(second.status).toBe(200);
    expect(second.text).toContain('"Two."');
  });

  it('makes no mistake on a successful unary answer it has nothing to change in', async () => {
    const plain = createFakeGemini({ script: () => turn.text('Same.'), seed: 3 });
    const broken = createFakeGemini({
      script: () => turn.text('Same.'),
      seed: 3,
      gatewayMistakes: ['no-retry-info', 'openai-error-body', 'drop-call-ids'],
    });
    expect((await callFake(broken, question)).text).toBe((await callFake(plain, question)).text);
  });
});
