import { defineTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { definePlugin } from '@gemloop/core/plugins';
import { type FakeTurn, turn } from '@gemloop/testing';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contentsOf, failingLookupTool, lookupTool } from '../__fixtures__/order-fixtures.ts';
import { KEYS, serveOpenAI } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// The OpenAI door driven by the official `openai` client over 127.0.0.1, the agent on the fake
// Gemini: what a user of any OpenAI-speaking software gets from a gemloop agent.

const model = 'support-agent';

describe('createOpenAIHandler: Chat Completions', () => {
  it("answers a unary completion after running the agent's tools on the server", async () => {
    const calls: string[] = [];
    const { client } = await serveOpenAI(
      [turn.call('lookup_order', { order: 'A-7' }), turn.text('Order A-7 has shipped.')],
      { agent: { tools: [lookupTool(calls)] } },
    );
    const completion = await client().chat.completions.create({
      model,
      messages: [
        { role: 'system', content: 'ignored: the agent has its own instructions' },
        { role: 'user', content: 'Where is order A-7?' },
      ],
    });
    expect(calls).toEqual(['A-7']);
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe(model);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Order A-7 has shipped.',
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // The caller sees the answer only: no trace of the tool call.
    expect(JSON.stringify(completion)).not.toContain('lookup_order');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('sends the conversation the caller gives as the history', async () => {
    const { client, fake } = await serveOpenAI([turn.text('It is 4.')]);
    await client().chat.completions.create({
      model,
      messages: [
        { role: 'user', content: 'What is 1+1?' },
        { role: 'assistant', content: [{ type: 'text', text: 'It is 2.' }] },
        { role: 'user', content: [{ type: 'text', text: 'And 2+2?' }] },
      ],
    });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: What is 1+1?',
      'model: It is 2.',
      'user: And 2+2?',
    ]);
  });

  it('streams chat.completion.chunk frames: the role, the deltas, the finish, usage, then [DONE]', async () => {
    const answer = 'A streamed answer that is long enough to come in several chunks of text.';
    const { client, baseURL } = await serveOpenAI([turn.text(answer), turn.text(answer)], {
      agent: {},
    });
    const stream = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Say something long.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(answer);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);

    // On the wire: server-sent events ending in `data: [DONE]`.
    const raw = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Again.' }],
        stream: true,
      }),
    });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await raw.text();
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(body.startsWith('data: {')).toBe(true);
  });

  it("answers a failed run with a fixed message and code, never the error's words (unary and streamed)", async () => {
    const secret = 'db-password-hunter2';
    const failing = failingLookupTool(secret);
    const { client, errors } = await serveOpenAI(
      [turn.call('lookup_order', { order: 'A' }), turn.call('lookup_order', { order: 'B' })],
      { agent: { tools: [failing], toolErrors: 'throw' } },
    );
    const unary = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Where?' }] })
      .catch((error: unknown) => error);
    expect(unary).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = unary as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(500);
    expect(apiError.error).toEqual({
      message: 'A tool failed.',
      type: 'server_error',
      param: null,
      code: 'tool-execution',
    });
    expect(JSON.stringify(apiError.error)).not.toContain(secret);

    const stream = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Where?' }],
      stream: true,
    });
    const streamed = await (async () => {
      for await (const _chunk of stream) {
        // reading until the error frame
      }
    })().catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect(String((streamed as Error).message)).not.toContain(secret);
    expect(JSON.stringify((streamed as InstanceType<typeof OpenAI.APIError>).error)).toContain(
      'tool-execution',
    );
    // The details went to the server's hook.
    expect(errors).toHaveLength(2);
  });

  it("answers a run a plugin's hook failed with the plugin's code and words (unary and streamed)", async () => {
    // errors43: `plugin` had no words, so its run failed as 'The run failed.'.
    const secret = 'postgres://app:hunter2@10.0.0.5/audit';
    const audit = definePlugin({
      name: 'audit',
      beforeModelCall() {
        throw new Error(`audit log down: ${secret}`);
      },
    });
    const { client, errors } = await serveOpenAI([turn.text('never'), turn.text('never')], {
      agent: { plugins: [audit] },
    });
    const expected = {
      message: 'A plugin of the agent failed.',
      type: 'server_error',
      param: null,
      code: 'plugin',
    };
    const unary = await client()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect((unary as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((unary as InstanceType<typeof OpenAI.APIError>).error).toEqual(expected);
    const stream = await client().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const streamed = await (async () => {
      for await (const _chunk of stream) {
        // reading until the error frame
      }
    })().catch((error: unknown) => error);
    expect((streamed as InstanceType<typeof OpenAI.APIError>).error).toEqual(expected);
    for (const told of [unary, streamed]) expect(JSON.stringify(told)).not.toContain('hunter2');
    expect(errors).toHaveLength(2);
  });

  it("answers a run that failed with a code new to the words by that code's words (unary and streamed)", async () => {
    // page-words44: both codes read 'The run failed.', which gave the caller nothing to act on.
    const signatureLost: FakeTurn = {
      variant: 'empty-content',
      finishReason: 'MISSING_THOUGHT_SIGNATURE',
      finishMessage: 'Signature missing for https://gateway.internal/v1beta',
    };
    const unsafe = defineTool({
      name: 'lookup_code',
      description: 'Looks a code up.',
      parameters: z.object({ code: z.string().regex(/^(a+)+$/) }),
      execute: () => ({ found: true }),
    });
    const cases = [
      {
        script: [signatureLost, signatureLost],
        agent: {},
        code: 'missing-thought-signature',
        message: 'The conversation lacks data the model needs to go on; start a new conversation.',
        hidden: 'gateway.internal',
      },
      {
        script: [turn.text('never'), turn.text('never')],
        agent: { tools: [unsafe] },
        code: 'unsafe-pattern',
        message: 'The agent has an unsafe input check, so the server did not run it.',
        hidden: '(a+)+',
      },
    ];
    for (const { script, agent, code, message, hidden } of cases) {
      const { client, errors, fake } = await serveOpenAI(script, { agent });
      const expected = { message, type: 'server_error', param: null, code };
      const unary = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })
        .catch((error: unknown) => error);
      expect((unary as InstanceType<typeof OpenAI.APIError>).status, code).toBe(500);
      expect((unary as InstanceType<typeof OpenAI.APIError>).error, code).toEqual(expected);
      const stream = await client().chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      const streamed = await (async () => {
        for await (const _chunk of stream) {
          // reading until the error frame
        }
      })().catch((error: unknown) => error);
      expect((streamed as InstanceType<typeof OpenAI.APIError>).error, code).toEqual(expected);
      for (const told of [unary, streamed]) expect(JSON.stringify(told)).not.toContain(hidden);
      // The server's hook got the error itself, its message the developer's.
      expect(errors.map((error) => (error as { code?: unknown }).code)).toEqual([code, code]);
      expect(String((errors[0] as Error).message)).toContain(hidden);
      // An unsafe schema is refused before the model is asked anything.
      if (code === 'unsafe-pattern') expect(fake.modelRequests).toHaveLength(0);
    }
  });
});

describe('createOpenAIHandler: Responses', () => {
  it('answers a unary response, the tools run on the server', async () => {
    const calls: string[] = [];
    const { client } = await serveOpenAI(
      [turn.call('lookup_order', { order: 'B-2' }), turn.text('Order B-2 has shipped.')],
      { agent: { tools: [lookupTool(calls)] } },
    );
    const response = await client().responses.create({ model, input: 'Where is order B-2?' });
    expect(calls).toEqual(['B-2']);
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Order B-2 has shipped.');
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant' });
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    expect(JSON.stringify(response)).not.toContain('lookup_order');
  });

  it('streams typed events from response.created to response.completed', async () => {
    const answer = 'A streamed response long enough to arrive in more than one chunk of text.';
    const { client } = await serveOpenAI([turn.text(answer)]);
    const stream = await client().responses.create({ model, input: 'Talk.', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = [...new Set(events.map((event) => event.type))];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.delta).join('')).toBe(answer);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.status).toBe('completed');
    expect(completed.response.output_text ?? completed.response.output[0]).toBeTruthy();
    expect(completed.response.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('continues a conversation with previous_response_id, and branches from an older response', async () => {
    const { client, fake } = await serveOpenAI([
      turn.text('Hello Ada.'),
      turn.text('Your name is Ada.'),
      turn.text('You said you are Ada.'),
    ]);
    const first = await client().responses.create({ model, input: 'I am Ada.' });
    const second = await client().responses.create({
      model,
      input: 'What is my name?',
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: I am Ada.',
      'model: Hello Ada.',
      'user: What is my name?',
    ]);
    // A second continuation of the first response is a branch: it does not see `second`.
    await client().responses.create({
      model,
      input: 'Who am I?',
      previous_response_id: first.id,
      stream: false,
    });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: I am Ada.',
      'model: Hello Ada.',
      'user: Who am I?',
    ]);
    // A stored response is the caller's to read again.
    const again = await client().responses.retrieve(second.id);
    expect(again.output_text).toBe('Your name is Ada.');
  });

  it('continues a streamed response too, and keeps a named conversation', async () => {
    const { client, fake } = await serveOpenAI([turn.text('One.'), turn.text('Two.')]);
    const stream = await client().responses.create({
      model,
      input: 'Count.',
      stream: true,
      conversation: 'conv-count',
    });
    let id = '';
    for await (const event of stream)
      if (event.type === 'response.completed') id = event.response.id;
    expect(id).toMatch(/^resp_/);
    await client().responses.create({ model, input: 'Go on.', conversation: 'conv-count' });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: Count.',
      'model: One.',
      'user: Go on.',
    ]);
  });

  it('keeps owners apart: another caller cannot continue, read or join a response or conversation', async () => {
    const { client, fake } = await serveOpenAI([turn.text('Secret plan.'), turn.text('Fresh.')]);
    const alices = await client('alice').responses.create({
      model,
      input: 'My plan',
      conversation: 'shared-name',
    });
    const refused = await client('bob')
      .responses.create({ model, input: 'Go on', previous_response_id: alices.id })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: 'No previous response with this id is open to this caller.',
      type: 'invalid_request_error',
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
    // The same answer as an id that never existed.
    const unknown = await client('bob')
      .responses.create({ model, input: 'Go on', previous_response_id: 'resp_nope' })
      .catch((error: unknown) => error);
    expect((unknown as InstanceType<typeof OpenAI.APIError>).error).toEqual(
      (refused as InstanceType<typeof OpenAI.APIError>).error,
    );
    const read = await client('bob')
      .responses.retrieve(alices.id)
      .catch((error: unknown) => error);
    expect(read).toBeInstanceOf(OpenAI.NotFoundError);
    // Nor delete it: the unknown id's answer, and Alice's response stays.
    const deleted = await client('bob')
      .responses.delete(alices.id)
      .catch((error: unknown) => error);
    expect(deleted).toBeInstanceOf(OpenAI.NotFoundError);
    const deletedUnknown = await client('bob')
      .responses.delete('resp_nope')
      .catch((error: unknown) => error);
    expect((deletedUnknown as InstanceType<typeof OpenAI.APIError>).error).toEqual(
      (deleted as InstanceType<typeof OpenAI.APIError>).error,
    );
    expect((await client('alice').responses.retrieve(alices.id)).id).toBe(alices.id);
    // Bob's conversation of the same name is his own, empty one.
    await client('bob').responses.create({ model, input: 'Hi', conversation: 'shared-name' });
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: Hi']);
  });
});

describe('createOpenAIHandler: deleting a response', () => {
  it('forgets a response its owner deletes: reading or continuing it is then 404', async () => {
    const { client } = await serveOpenAI([
      turn.text('Noted.'),
      turn.text('Got B-2.'),
      turn.text('Still here.'),
    ]);
    const first = await client('alice').responses.create({ model, input: 'Remember A-7' });
    const second = await client('alice').responses.create({
      model,
      input: 'And B-2',
      previous_response_id: first.id,
    });
    await client('alice').responses.delete(second.id);
    const read = await client('alice')
      .responses.retrieve(second.id)
      .catch((error: unknown) => error);
    expect(read).toBeInstanceOf(OpenAI.NotFoundError);
    const continued = await client('alice')
      .responses.create({ model, input: 'Go on', previous_response_id: second.id })
      .catch((error: unknown) => error);
    expect(continued).toBeInstanceOf(OpenAI.NotFoundError);
    // Twice is the unknown id's answer.
    const again = await client('alice')
      .responses.delete(second.id)
      .catch((error: unknown) => error);
    expect(again).toBeInstanceOf(OpenAI.NotFoundError);
    // The conversation's other responses still continue it.
    const branch = await client('alice').responses.create({
      model,
      input: 'Go on',
      previous_response_id: first.id,
    });
    expect(branch.output_text).toBe('Still here.');
  });
});

describe('createOpenAIHandler: the bounds of the stored conversations', () => {
  it('forgets the oldest conversation past maxConversations: its responses answer as unknown ones', async () => {
    const { client } = await serveOpenAI([turn.text('one'), turn.text('two'), turn.text('three')], {
      handler: { maxConversations: 2 },
    });
    const first = await client().responses.create({ model, input: 'first' });
    const second = await client().responses.create({ model, input: 'second' });
    await client().responses.create({ model, input: 'third' });
    const forgotten = await client()
      .responses.create({ model, input: 'again', previous_response_id: first.id })
      .catch((error: unknown) => error);
    expect(forgotten).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client().responses.retrieve(second.id)).output_text).toBe('two');
  });

  it('answers 409 to a second response into a conversation that is still answering', async () => {
    let release = () => {};
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineTool({
      name: 'slow_lookup',
      description: 'Looks slowly.',
      parameters: z.object({}),
      execute: () =>
        new Promise((resolve) => {
          release = () => resolve({ done: true });
          started();
        }),
    });
    const { client } = await serveOpenAI([turn.call('slow_lookup', {}), turn.text('Done.')], {
      agent: { tools: [slow] },
    });
    const first = client().responses.create({ model, input: 'Look.', conversation: 'c-1' });
    await running;
    const second = await client()
      .responses.create({ model, input: 'Hurry.', conversation: 'c-1' })
      .catch((error: unknown) => error);
    expect(second).toBeInstanceOf(OpenAI.ConflictError);
    expect((second as InstanceType<typeof OpenAI.APIError>).code).toBe('conversation_locked');
    release();
    expect((await first).output_text).toBe('Done.');
  });
});

describe('createOpenAIHandler: the door', () => {
  it('lists the agents as models', async () => {
    const { client } = await serveOpenAI([]);
    const models = [];
    for await (const each of client().models.list()) models.push(each);
    expect(models).toEqual([
      { id: model, object: 'model', created: expect.any(Number), owned_by: 'gemloop' },
    ]);
    expect((await client().models.retrieve(model)).id).toBe(model);
  });

  it("refuses a caller without valid credentials with 401 in OpenAI's shape, the key never echoed", async () => {
    const { baseURL, fake } = await serveOpenAI([turn.text('never')]);
    const stranger = new OpenAI({ apiKey: 'sk-wrong-key-424242', baseURL, maxRetries: 0 });
    const refused = await stranger.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: 'The request has no valid credentials: send Authorization: Bearer <key>.',
      type: 'authentication_error',
      param: null,
      code: 'invalid_api_key',
    });
    const models = await fetch(`${baseURL}/models`);
    expect(models.status).toBe(401);
    expect(await models.text()).not.toContain('sk-wrong-key');
    expect(fake.requests).toHaveLength(0);
  });

  it('answers an oversized body 413, and a caller over the rate limit 429 with retry-after', async () => {
    let time = 1_000_000;
    const { baseURL, client } = await serveOpenAI([turn.text('one'), turn.text('two')], {
      handler: {
        maxBodyBytes: 1000,
        rateLimit: { requests: 3, windowMs: 60_000 },
        now: () => time,
      },
    });
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.bob}`, ...headers },
        body,
      });
    const big = JSON.stringify({ model, messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({
      error: {
        message:
          "The request body is 2067 bytes, over this server's limit of 1000 bytes: send less (a smaller image or file, or fewer), or have the server's maxBodyBytes option raised.",
        type: 'invalid_request_error',
        param: null,
        code: 'request_too_large',
      },
    });
    // A chunked body (no content-length) is cut off as it is read.
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const undeclared = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.bob}` },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(undeclared.status).toBe(413);
    expect((await post('{}')).status).toBe(400);
    // Bob has used his three requests of the window; Alice has her own.
    const limited = await post('{}');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await limited.json()).error.type).toBe('rate_limit_error');
    expect((await client('alice').models.list()).data).toHaveLength(1);
    time += 60_000;
    expect((await post('{}')).status).toBe(400);
  });

  it('answers malformed and wrong-shaped bodies 400 naming the field (a bounded fuzz)', async () => {
    const script = Array.from({ length: 400 }, () => turn.text('ok'));
    const { baseURL, errors } = await serveOpenAI(script, { handler: { rateLimit: false } });
    const post = async (path: string, body: string) => {
      const response = await fetch(`${baseURL}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    const named: [string, unknown, string | null, string][] = [
      ['/chat/completions', { model }, 'messages', 'missing_required_parameter'],
      ['/chat/completions', { model, messages: [] }, 'messages', 'invalid_type'],
      ['/chat/completions', { model, messages: 'hi' }, 'messages', 'invalid_type'],
      ['/chat/completions', { model, messages: [null] }, 'messages[0]', 'invalid_type'],
      [
        '/chat/completions',
        { model, messages: [{ role: 'robot', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: 5 }] },
        'messages[0].content',
        'invalid_type',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: [{ type: 'image_url' }] }] },
        'messages[0].content[0].image_url',
        'invalid_type',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: [{ type: 'video_url' }] }] },
        'messages[0].content[0].type',
        'unsupported_value',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'tool', content: 'x' }] },
        'messages[0].role',
        'unsupported_value',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'assistant', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: 'x' }], stream: 'yes' },
        'stream',
        'invalid_type',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: 'x' }], n: 2 },
        'n',
        'unsupported_value',
      ],
      [
        '/chat/completions',
        { model, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] },
        'tools',
        'unsupported_parameter',
      ],
      [
        '/chat/completions',
        { messages: [{ role: 'user', content: 'x' }] },
        'model',
        'missing_required_parameter',
      ],
      [
        '/chat/completions',
        { model: 7, messages: [{ role: 'user', content: 'x' }] },
        'model',
        'invalid_type',
      ],
      [
        '/chat/completions',
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] },
        'model',
        'model_not_found',
      ],
      [
        '/chat/completions',
        { model: '__proto__', messages: [{ role: 'user', content: 'x' }] },
        'model',
        'model_not_found',
      ],
      ['/responses', { model }, 'input', 'missing_required_parameter'],
      ['/responses', { model, input: [] }, 'input', 'invalid_type'],
      [
        '/responses',
        { model, input: [{ type: 'function_call_output', output: 'x' }] },
        'input[0].type',
        'unsupported_value',
      ],
      [
        '/responses',
        { model, input: 'x', previous_response_id: 5 },
        'previous_response_id',
        'invalid_type',
      ],
      [
        '/responses',
        { model, input: 'x', previous_response_id: 'resp_a', conversation: 'c' },
        'previous_response_id',
        'mutually_exclusive',
      ],
      [
        '/responses',
        { model, input: 'x', conversation: { id: '' } },
        'conversation.id',
        'invalid_type',
      ],
      ['/responses', { model, input: 'x', metadata: [] }, 'metadata', 'invalid_type'],
      ['/responses', { model, input: 'x', store: 'no' }, 'store', 'invalid_type'],
      ['/chat/completions', [1, 2], null, 'invalid_type'],
      ['/chat/completions', 'just a string', null, 'invalid_type'],
    ];
    for (const [path, body, param, code] of named) {
      const { status, text } = await post(path, JSON.stringify(body));
      expect([400, 404], `${path} ${JSON.stringify(body)}`).toContain(status);
      const error = JSON.parse(text).error;
      expect({ param: error.param, code: error.code }, `${path} ${JSON.stringify(body)}`).toEqual({
        param,
        code,
      });
      expect(error.type).toBe('invalid_request_error');
      expect(typeof error.message).toBe('string');
    }

    // Fuzz: valid bodies cut short (never valid JSON), and fields swapped for values of every
    // kind. Every answer is OpenAI's shape, a 2xx or a 4xx, never a crash or a leaked message.
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const valid = [
      [
        '/chat/completions',
        {
          model,
          messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
          stream: false,
        },
      ],
      [
        '/responses',
        {
          model,
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
          store: true,
        },
      ],
    ] as const;
    const values = [
      null,
      0,
      -1,
      1.5,
      '',
      'x',
      'user',
      true,
      [],
      [null],
      [{}],
      {},
      { role: 'user' },
      '\u0000',
      'x'.repeat(300),
    ];
    for (let round = 0; round < 120; round++) {
      const [path, body] = valid[random(valid.length)] as (typeof valid)[number];
      const text = JSON.stringify(body);
      if (round % 3 === 0) {
        const cut = await post(path, text.slice(0, random(text.length - 1)));
        expect(cut.status).toBe(400);
        expect(JSON.parse(cut.text).error.code).toBe('invalid_json');
        continue;
      }
      const mutated = JSON.parse(text) as Record<string, unknown>;
      const keys = [
        ...Object.keys(mutated),
        'n',
        'tools',
        'stream_options',
        'conversation',
        'metadata',
      ];
      const key = keys[random(keys.length)] as string;
      const deep = random(2) === 0 && Array.isArray(mutated['messages'] ?? mutated['input']);
      if (deep) {
        const list = (mutated['messages'] ?? mutated['input']) as Record<string, unknown>[];
        const field = ['role', 'content', 'type', 'tool_calls'][random(4)] as string;
        (list[0] as Record<string, unknown>)[field] = values[random(values.length)];
      } else {
        mutated[key] = values[random(values.length)];
      }
      const answer = await post(path, JSON.stringify(mutated));
      expect([200, 400, 404], `${path} ${JSON.stringify(mutated)}`).toContain(answer.status);
      const parsed = JSON.parse(answer.text);
      if (answer.status !== 200) {
        expect(Object.keys(parsed.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      }
      expect(answer.text).not.toContain('gemini-secret-key');
      expect(answer.text).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(errors).toEqual([]);
  });

  it('aborts the run when the client goes away, mid-stream or before a unary answer', async () => {
    const signals: AbortSignal[] = [];
    let toolStarted = () => {};
    const wait = defineTool({
      name: 'wait_for_stock',
      description: 'Waits until stock arrives.',
      parameters: z.object({}),
      execute: (_args, { signal }) => {
        signals.push(signal);
        toolStarted();
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      },
    });
    const variants = ['chat-stream', 'responses-stream', 'chat', 'responses'] as const;
    const { client, errors } = await serveOpenAI(
      [...variants.map(() => turn.call('wait_for_stock', {})), turn.text('In stock.')],
      { agent: { tools: [wait] } },
    );
    const messages = [{ role: 'user' as const, content: 'Wait.' }];
    for (const variant of variants) {
      const started = new Promise<void>((resolve) => {
        toolStarted = resolve;
      });
      const controller = new AbortController();
      const options = { signal: controller.signal };
      const drain = async (stream: AsyncIterable<unknown>) => {
        for await (const _event of stream) {
          // the first frames arrive before the tool blocks
        }
      };
      const reading = (async () => {
        if (variant === 'chat-stream') {
          await drain(
            await client().chat.completions.create({ model, messages, stream: true }, options),
          );
        } else if (variant === 'responses-stream') {
          await drain(
            await client().responses.create({ model, input: 'Wait.', stream: true }, options),
          );
        } else if (variant === 'chat') {
          await client().chat.completions.create({ model, messages }, options);
        } else {
          await client().responses.create({ model, input: 'Wait.' }, options);
        }
      })().catch(() => {});
      await started;
      const signal = signals.at(-1) as AbortSignal;
      expect(signal.aborted, variant).toBe(false);
      controller.abort();
      await reading;
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      expect(signal.aborted, variant).toBe(true);
    }
    expect(signals).toHaveLength(variants.length);
    // A full answer after them: the aborted runs have long been handled by then.
    const after = await client().chat.completions.create({ model, messages });
    expect(after.choices[0]?.message.content).toBe('In stock.');
    // An abort is the caller's doing, not a failure for the server's log.
    expect(errors).toEqual([]);
  });

  it('answers unknown routes 404, wrong methods 405, and an authorize that throws 500 without its words', async () => {
    const { baseURL, errors } = await serveOpenAI([]);
    const headers = { authorization: `Bearer ${KEYS.alice}` };
    const unknown = await fetch(`${baseURL}/embeddings`, { method: 'POST', headers, body: '{}' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('unknown_url');
    const outside = await fetch(baseURL.replace('/v1', '/v2/models'), { headers });
    expect(outside.status).toBe(404);
    const wrongMethod = await fetch(`${baseURL}/chat/completions`, { headers });
    expect(wrongMethod.status).toBe(405);
    expect((await wrongMethod.json()).error.code).toBe('method_not_allowed');

    const secret = 'token-service-password-77';
    const broken = await serveOpenAI([], {
      handler: {
        authorize: () => {
          throw new Error(`auth backend at https://admin:${secret}@auth.internal refused`);
        },
      },
    });
    const refused = await fetch(`${broken.baseURL}/models`, { headers });
    expect(refused.status).toBe(500);
    const text = await refused.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({
      error: {
        message: 'The server could not answer the request.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    });
    expect(broken.errors).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('refuses options it cannot serve with, naming them', () => {
    const call = (options: unknown) => () =>
      createOpenAIHandler(options as Parameters<typeof createOpenAIHandler>[0]);
    expect(call({ agents: {}, authorize: () => 'a' })).toThrow(InvalidArgumentError);
    expect(call({ agents: {}, authorize: () => 'a' })).toThrow(/agents/);
    expect(call({ agents: { x: { run() {} } } })).toThrow(/authorize/);
    expect(call({ agents: { 'bad id': { run() {} } }, authorize: () => 'a' })).toThrow(/model id/);
    expect(call({ agents: { x: { run() {} } }, authorize: () => 'a', maxBodyBytes: 0 })).toThrow(
      /maxBodyBytes/,
    );
  });
});
