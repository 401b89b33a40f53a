import { describe, expect, it } from 'vitest';
import { callFake, errorMessage } from '../__fixtures__/call-fake.ts';
import {
  answer,
  call,
  declarations,
  fake,
  SKIP,
  signed,
  user,
} from '../__fixtures__/contract-requests.ts';
import { turn } from '../script/fake-turn.ts';

// The rules of the wire reference's error catalogue (section 9) and the thought-signature rules
// (section 6), each with the text the real API answers (or, marked in the source, approximated).

describe('createFakeGemini contract rules', () => {
  async function refused(body: unknown, model = 'gemini-3-flash-preview', options = {}) {
    const result = await callFake(fake(options), body, { model });
    expect(result.status, result.text).toBe(400);
    return errorMessage(result.json);
  }

  it('refuses roles other than user and model', async () => {
    expect(await refused({ contents: [{ role: 'function', parts: [{ text: 'x' }] }] })).toBe(
      'Please use a valid role: user, model.',
    );
    expect(await refused({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] })).toBe(
      'Please use a valid role: user, model.',
    );
  });

  it('refuses calls and responses mixed in one content', async () => {
    const body = {
      contents: [user('go'), { role: 'model', parts: [signed('a'), answer('a')] }],
    };
    expect(await refused(body)).toBe(
      'Please ensure that function call turn contains at least one function_call part which can not be mixed with function_response parts.',
    );
  });

  it('refuses a function response that is a list', async () => {
    const body = {
      contents: [
        user('go'),
        { role: 'model', parts: [signed('a')] },
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: [1, 2] } }] },
      ],
    };
    const result = await callFake(fake(), body);
    expect(errorMessage(result.json)).toBe(
      `Invalid JSON payload received. Unknown name "response" at 'contents[2].parts[0].function_response': Proto field is not repeating, cannot start list.`,
    );
    expect(result.json).toMatchObject({
      error: { details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest' }] },
    });
  });

  it('refuses a history that starts with a function call, and responses without their call', async () => {
    expect(
      await refused({
        contents: [
          { role: 'model', parts: [signed('a')] },
          { role: 'user', parts: [answer('a')] },
        ],
      }),
    ).toBe(
      'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
    );
    expect(await refused({ contents: [user('go'), { role: 'user', parts: [answer('a')] }] })).toBe(
      'Please ensure that function response turn comes immediately after a function call turn.',
    );
  });

  it('refuses a call turn followed by user text instead of its responses', async () => {
    const body = {
      contents: [user('go'), { role: 'model', parts: [signed('a')] }, user('never mind')],
    };
    expect(await refused(body)).toBe(
      'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
    );
  });

  it('refuses response ids that do not match the call ids', async () => {
    const body = {
      contents: [
        user('go'),
        { role: 'model', parts: [signed('a', { id: 'abcd1234' })] },
        { role: 'user', parts: [answer('a', { id: 'zzzz9999' })] },
      ],
    };
    expect(await refused(body)).toBe('functionResponse.id does not match functionCall.id');
  });

  it('refuses empty parts and parts without data with the field-violation wording', async () => {
    expect(await refused({ contents: [user('go'), { role: 'model', parts: [] }] })).toBe(
      '* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n',
    );
    expect(await refused({ contents: [{ role: 'user', parts: [{}] }] })).toBe(
      "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
    );
    expect(await refused({ contents: [] })).toBe(
      '* GenerateContentRequest.contents: contents is not specified\n',
    );
    // Proto3 JSON: an absent repeated field, or one set to null, is the empty list.
    for (const body of [{}, { contents: null }, '']) {
      expect(await refused(body)).toBe(
        '* GenerateContentRequest.contents: contents is not specified\n',
      );
    }
  });

  it('checks signatures on Gemini 3 only, and only in the active loop', async () => {
    const unsigned = {
      contents: [
        user('go'),
        { role: 'model', parts: [call('a')] },
        { role: 'user', parts: [answer('a')] },
      ],
    };
    expect(await refused(unsigned)).toContain('position 2.');
    expect((await callFake(fake(), unsigned, { model: 'gemini-2.5-flash' })).status).toBe(200);
    const older = {
      contents: [...unsigned.contents, { role: 'model', parts: [{ text: 'done' }] }, user('next')],
    };
    expect((await callFake(fake(), older)).status).toBe(200);
    expect(
      (await callFake(fake({ gemini3: true }), unsigned, { model: 'gemini-2.5-flash' })).status,
    ).toBe(400);
  });

  it('accepts the documented sentinel, literal or base64, and refuses signatures it never issued', async () => {
    const withSignature = (thoughtSignature: string) => ({
      contents: [
        user('go'),
        { role: 'model', parts: [{ ...call('a'), thoughtSignature }] },
        { role: 'user', parts: [answer('a')] },
      ],
    });
    expect((await callFake(fake(), withSignature(SKIP))).status).toBe(200);
    expect((await callFake(fake(), withSignature(btoa(SKIP)))).status).toBe(200);
    expect(
      await refused(withSignature('EqwCCqkCAQw51sdTCSCSoi52Az0X10Ov6P7nbIN6fq94PDYOxwAW')),
    ).toBe('Corrupted thought signature.');
    expect(await refused(withSignature('not base64 at all!'))).toContain(
      "Invalid value at 'contents[1].parts[0].thought_signature' (TYPE_BYTES)",
    );
  });

  it('accepts its own signatures, in either base64 alphabet, and refuses them on another model', async () => {
    const server = fake({ script: [turn.call('a'), turn.text('done')] });
    const first = await callFake(server, { contents: [user('go')] });
    type Answer = { parts: { thoughtSignature: string; functionCall: { id: string } }[] };
    const modelContent = (first.json as { candidates: { content: Answer }[] }).candidates[0]!
      .content;
    const id = modelContent.parts[0]!.functionCall.id;
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    const followUp = {
      contents: [user('go'), modelContent, { role: 'user', parts: [answer('a', { id })] }],
    };
    expect((await callFake(server, followUp)).status).toBe(200);
    const urlSafe = structuredClone(followUp);
    const part = urlSafe.contents[1] as { parts: { thoughtSignature: string }[] };
    part.parts[0]!.thoughtSignature = part.parts[0]!.thoughtSignature.replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect((await callFake(fake(), urlSafe)).status).toBe(200);
    const elsewhere = await callFake(fake(), followUp, { model: 'gemini-3-pro-preview' });
    expect(errorMessage(elsewhere.json)).toBe('Invalid thought signature.');
  });

  it('refuses parameters and parametersJsonSchema together (approximated text)', async () => {
    const body = {
      contents: [user('go')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'f',
              parameters: { type: 'OBJECT' },
              parametersJsonSchema: { type: 'object' },
            },
          ],
        },
      ],
    };
    expect(await refused(body)).toBe(
      'tools[0].function_declarations[0]: parameters and parameters_json_schema are mutually exclusive; set only one of them.',
    );
  });

  it('accepts JSON Schema keywords in parametersJsonSchema that parameters refuses', async () => {
    const body = {
      contents: [user('go')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'f',
              parametersJsonSchema: { type: 'object', additionalProperties: false, $defs: {} },
            },
          ],
        },
      ],
    };
    expect((await callFake(fake(), body)).status).toBe(200);
  });

  it('refuses an untyped property in parameters', async () => {
    const body = {
      contents: [user('go')],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'f',
              parameters: { type: 'OBJECT', properties: { note: { description: 'x' } } },
            },
          ],
        },
      ],
    };
    expect(await refused(body)).toBe(
      '* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[note].type: must be specified when not using one_of, any_of or all_of fields\n',
    );
  });

  it('needs includeServerSideToolInvocations on Gemini 3 to mix built-in and function tools', async () => {
    const body = { contents: [user('go')], tools: [{ googleSearch: {} }, ...declarations('f')] };
    expect(await refused(body)).toBe('Tool use with function calling is unsupported by the model.');
    const flagged = { ...body, toolConfig: { includeServerSideToolInvocations: true } };
    expect((await callFake(fake(), flagged)).status).toBe(200);
  });

  it('refuses thinking settings that do not fit the model', async () => {
    const withThinking = (thinkingConfig: unknown) => ({
      contents: [user('go')],
      generationConfig: { thinkingConfig },
    });
    expect(await refused(withThinking({ thinkingLevel: 'LOW' }), 'gemini-2.5-flash')).toBe(
      'Thinking level is not supported for this model.',
    );
    expect(await refused(withThinking({ thinkingLevel: 'LOW', thinkingBudget: 10 }))).toBe(
      'You can only set only one of thinking budget and thinking level.',
    );
    expect(await refused(withThinking({ thinkingBudget: 0 }), 'gemini-2.5-pro')).toBe(
      'Budget 0 is invalid. This model only works in thinking mode.',
    );
    expect(await refused(withThinking({ thinkingLevel: 'MINIMAL' }), 'gemini-3-pro-preview')).toBe(
      'Thinking level MINIMAL is not supported for this model.',
    );
    expect(await refused(withThinking({ thinkingBudget: 100 }), 'gemini-2.0-flash')).toBe(
      'thinking_config is not supported.',
    );
    expect(await refused(withThinking({ thinkingLevel: 'XHIGH' }), 'gemini-4-argon')).toBe(
      'Thinking level XHIGH is not supported for this model.',
    );
    expect(
      (
        await callFake(fake(), withThinking({ thinkingLevel: 'XHIGH' }), {
          model: 'gemini-4-hydrogen',
        })
      ).status,
    ).toBe(200);
    // Gemini 3 keeps thinkingBudget for backwards compatibility (Gemini thinking docs).
    expect((await callFake(fake(), withThinking({ thinkingBudget: 1024 }))).status).toBe(200);
    expect(
      (
        await callFake(fake(), withThinking({ thinking_budget: 0 }), {
          model: 'gemini-2.5-flash',
        })
      ).status,
    ).toBe(200);
  });

  it('refuses conflicting or MIME-less response schemas', async () => {
    const config = (generationConfig: unknown) => ({ contents: [user('go')], generationConfig });
    expect(
      await refused(
        config({
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT' },
          responseJsonSchema: { type: 'object' },
        }),
      ),
    ).toBe('response_schema must not be set when response_json_schema is set.');
    expect(await refused(config({ responseSchema: { type: 'OBJECT' } }))).toBe(
      "Response_schema with a response mime type 'text/plain' is unsupported.",
    );
    expect(await refused(config({ responseJsonSchema: { type: 'object' } }))).toBe(
      "Response_json_schema with a response mime type 'text/plain' is unsupported.",
    );
    expect(
      (
        await callFake(
          fake(),
          config({
            responseMimeType: 'application/json',
            responseJsonSchema: { type: 'object' },
          }),
        )
      ).status,
    ).toBe(200);
  });

  it('refuses JSON output with function calling before Gemini 3, unless calling is off', async () => {
    const body = {
      contents: [user('go')],
      tools: declarations('f'),
      generationConfig: { responseMimeType: 'application/json' },
    };
    expect(await refused(body, 'gemini-2.5-flash')).toBe(
      "Function calling with a response mime type: 'application/json' is unsupported",
    );
    const off = { ...body, toolConfig: { functionCallingConfig: { mode: 'NONE' } } };
    expect((await callFake(fake(), off, { model: 'gemini-2.5-flash' })).status).toBe(200);
    expect((await callFake(fake(), body)).status).toBe(200);
  });

  it('refuses multimodal function responses before Gemini 3', async () => {
    const body = {
      contents: [
        user('go'),
        { role: 'model', parts: [call('f')] },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'f',
                response: {},
                parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw0=' } }],
              },
            },
          ],
        },
      ],
    };
    expect(await refused(body, 'gemini-2.5-flash')).toBe(
      'Unable to submit request because function_response.parts is not supported for this model.',
    );
  });

  it('refuses unknown fields of contents, parts, calls and responses, as the proto parser does', async () => {
    const body = {
      contents: [
        user('go'),
        {
          role: 'model',
          parts: [{ functionCall: { name: 'a', args: {}, thoughtSignature: SKIP } }],
        },
        { role: 'user', parts: [answer('a')] },
      ],
    };
    expect(await refused(body)).toBe(
      `Invalid JSON payload received. Unknown name "thoughtSignature" at 'contents[1].parts[0].function_call': Cannot find field.`,
    );
  });

  it('refuses text and function calls inside functionResponse.parts, as the proto parser does', async () => {
    // FunctionResponsePart holds media (inlineData, fileData): the fake took any part there.
    const withParts = (parts: unknown[]) => ({
      contents: [
        user('go'),
        { role: 'model', parts: [signed('f')] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: {}, parts } }] },
      ],
    });
    const result = await callFake(fake(), withParts([{ text: 'the tool said' }]), {
      model: 'gemini-3-flash-preview',
    });
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: `Invalid JSON payload received. Unknown name "text" at 'contents[2].parts[0].function_response.parts[0]': Cannot find field.`,
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field: 'contents[2].parts[0].function_response.parts[0]' }],
          },
        ],
      },
    });
    expect(await refused(withParts([{ functionCall: { name: 'g', args: {} } }]))).toBe(
      `Invalid JSON payload received. Unknown name "functionCall" at 'contents[2].parts[0].function_response.parts[0]': Cannot find field.`,
    );
    const media = withParts([{ inlineData: { mimeType: 'image/png', data: 'iVBORw0=' } }]);
    const accepted = await callFake(fake(), media, { model: 'gemini-3-flash-preview' });
    expect(accepted.status, accepted.text).toBe(200);
  });

  it('answers a missing key with the 403 of the real API', async () => {
    const result = await callFake(fake(), { contents: [user('go')] }, { apiKey: null });
    expect(result.status).toBe(403);
    expect(result.json).toEqual({
      error: {
        code: 403,
        message:
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        status: 'PERMISSION_DENIED',
      },
    });
  });

  it('reports every parse-level problem at once, like the API', async () => {
    const body = {
      contents: [
        user('go'),
        { role: 'model', parts: [signed('a')] },
        { role: 'user', parts: [{ functionResponse: { name: 'a', response: 'text' } }] },
      ],
      tools: [
        { functionDeclarations: [{ name: 'a', parameters: { type: 'OBJECT', $schema: 'x' } }] },
      ],
    };
    expect(await refused(body)).toBe(
      `Invalid value at 'contents[2].parts[0].function_response.response' (type.googleapis.com/google.protobuf.Struct), "text"\n` +
        `Invalid JSON payload received. Unknown name "$schema" at 'tools[0].function_declarations[0].parameters': Cannot find field.`,
    );
  });
});
