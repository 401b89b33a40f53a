import { createAgent, createGemini, defineTool, toolResult } from '@gemloop/core';
import { validateHistory } from '@gemloop/core/history';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack59: `inlineData.data` is a proto `bytes` field, which the API reads as base64 (standard
// or URL-safe, padded or not: the proto3 JSON mapping). What is not base64 is answered 400
// "Invalid value at 'contents[0].parts[2].inline_data.data' (TYPE_BYTES), Base64 decoding failed
// for \"https://…X-Amz-Signature=…\"" (LibreChat issue 6593): the value comes back in the error,
// a presigned URL's signature with it. Histories from other SDKs carry such values: a data URL
// (OpenAI's and the AI SDK's image parts), a URL, a Node Buffer that JSON writes as
// {"type":"Buffer","data":[…]}. Each is refused before any request, by where it is and how to fix
// it, without the value in the message.

const PRESIGNED =
  'https://bucket.s3.amazonaws.com/cat.png?X-Amz-Credential=AKIAEXAMPLE%2F20250328&X-Amz-Signature=854d286cbae011f9';

const REFUSED: [string, unknown, RegExp][] = [
  ['a data: URL', 'data:image/png;base64,iVBORw0KGgo=', /data: URL.*follows its comma/],
  ['a presigned https URL', PRESIGNED, /a URL.*fileData/],
  ['text with spaces and punctuation', 'not base64 at all!', /base64/],
  ['base64 with = in the middle', 'iVBO=Rw0KGgo', /base64/],
  ['a Node Buffer', Buffer.from('png bytes'), /Buffer\.from\(bytes\)\.toString\('base64'\)/],
  ['a Uint8Array', new Uint8Array([1, 2, 3]), /Buffer\.from\(bytes\)\.toString\('base64'\)/],
  ['a Buffer read back from JSON', JSON.parse(JSON.stringify(Buffer.from('x'))), /base64/],
  ['a number', 42, /base64/],
];

const ACCEPTED: [string, string][] = [
  ['standard base64', 'iVBORw0KGgo='],
  ['unpadded base64', 'iVBORw0KGgo'],
  ['URL-safe base64', 'a-_b'],
  ['base64 wrapped at 76 characters (MIME lines)', `${'A'.repeat(76)}\r\n${'A'.repeat(76)}\n`],
  ['empty data', ''],
];

const inUser = (data: unknown) => [
  {
    role: 'user',
    parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data } }],
  },
];
const inSnakeCase = (data: unknown) => [
  { role: 'user', parts: [{ text: 'q' }, { inline_data: { mime_type: 'image/png', data } }] },
];
const inToolMedia = (data: unknown) => [
  { role: 'user', parts: [{ text: 'q' }] },
  { role: 'model', parts: [{ functionCall: { name: 'look', args: {} } }] },
  {
    role: 'user',
    parts: [
      {
        functionResponse: {
          name: 'look',
          response: {},
          parts: [{ inlineData: { mimeType: 'image/png', data } }],
        },
      },
    ],
  },
];

describe('validateHistory on inlineData.data that is no base64', () => {
  it.each(REFUSED)('refuses %s, naming where it is and the fix', (_label, data, fix) => {
    for (const [history, at, partIndex] of [
      [inUser(data), 'contents[0].parts[1].inlineData.data', 1],
      [inSnakeCase(data), 'contents[0].parts[1].inlineData.data', 1],
      [inToolMedia(data), 'contents[2].parts[0].functionResponse.parts[0].inlineData.data', 0],
    ] as const) {
      const issues = validateHistory(history);
      expect(issues).toEqual([expect.objectContaining({ code: 'invalid-inline-data', partIndex })]);
      const message = issues[0]?.message ?? '';
      expect(message.startsWith(at)).toBe(true);
      expect(message).toMatch(fix);
      expect(message).not.toContain('X-Amz');
      expect(message).not.toContain('iVBO');
    }
  });

  it.each(ACCEPTED)('accepts %s (what the API may take is not refused)', (_label, data) => {
    expect(validateHistory(inUser(data))).toEqual([]);
    expect(validateHistory(inToolMedia(data))).toEqual([]);
  });

  it('checks 20 MB of base64 in one linear pass', () => {
    const data = 'A'.repeat(20_000_000);
    expect(validateHistory(inUser(data))).toEqual([]);
    expect(validateHistory(inUser(`${data}!`))).toHaveLength(1);
  });
});

describe('agent.run() with a data: URL as inlineData.data', () => {
  it('refuses it before any request, from input and from a tool’s media', async () => {
    const fake = createFakeGemini({
      script: [turn.call('look', {}), turn.text('No picture.')],
    });
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const look = defineTool({
      name: 'look',
      description: 'Looks.',
      parameters: z.object({}),
      execute: () =>
        toolResult({
          output: 'seen',
          parts: [{ inlineData: { mimeType: 'image/png', data: PRESIGNED } }],
        }),
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [look] });
    const error = await agent
      .run(inUser('data:image/png;base64,iVBORw0KGgo=') as never)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'InvalidHistoryError' });
    expect(fake.modelRequests).toHaveLength(0);
    // A tool's media goes through toolResult, which refuses what is no base64 already: the
    // call fails and the model is told, the URL never sent.
    const result = await agent.run('Look.');
    await agent.close();
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
    expect(JSON.stringify(fake.modelRequests.map((request) => request.body))).not.toContain(
      'X-Amz',
    );
    await fake.close();
  });
});
