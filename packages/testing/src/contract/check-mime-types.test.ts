import { describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { fake } from '../__fixtures__/contract-requests.ts';

// The API answers a media part whose MIME type is no MIME type with 400 INVALID_ARGUMENT
// "Unsupported MIME type: <type>" (recorded for `png` and `jpeg` in charmbracelet/crush#995,
// `image/jpg` in ogkalu2/comic-translate#399). The fake does too, so a client that sends one is
// caught here; a well-formed type of any kind is the model's to read, never refused.

const IMAGE = 'iVBORw0KGgo=';

function bodyWith(media: Record<string, unknown>): unknown {
  return { contents: [{ role: 'user', parts: [{ text: 'look' }, media] }] };
}

describe('the fake Gemini and malformed MIME types', () => {
  const malformed = ['', 'imagepng', 'image/png\r\nX-Injected: 1', 'image/\u0000png', '/png'];

  it.each(malformed)('answers %j with the API 400, unary and streamed', async (mimeType) => {
    for (const mode of ['unary', 'sse'] as const) {
      for (const media of [
        { inlineData: { mimeType, data: IMAGE } },
        { inline_data: { mime_type: mimeType, data: IMAGE } },
        {
          fileData: {
            mimeType,
            fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/a',
          },
        },
      ]) {
        const result = await callFake(fake(), bodyWith(media), { mode });
        expect(result.status, `${mode} ${JSON.stringify(media)}`).toBe(400);
        expect(result.json).toEqual({
          error: {
            code: 400,
            message: `Unsupported MIME type: ${mimeType}`,
            status: 'INVALID_ARGUMENT',
          },
        });
      }
    }
  });

  it("checks a function response's media parts too", async () => {
    const body = {
      contents: [
        { role: 'user', parts: [{ text: 'go' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'shot', args: {} }, thoughtSignature: 'c2ln' }],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'shot',
                response: {},
                parts: [{ inlineData: { mimeType: 'png', data: IMAGE } }],
              },
            },
          ],
        },
      ],
    };
    const result = await callFake(fake({ signatureValidation: 'off' }), body);
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ error: { message: 'Unsupported MIME type: png' } });
  });

  it("checks the system instruction's parts too, in either spelling", async () => {
    for (const key of ['systemInstruction', 'system_instruction']) {
      for (const mimeType of ['png', 'image/png\r\nX-Injected: 1']) {
        const body = {
          [key]: { parts: [{ text: 'be brief' }, { inlineData: { mimeType, data: IMAGE } }] },
          contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        };
        const result = await callFake(fake(), body);
        expect(result.status, `${key} ${JSON.stringify(mimeType)}`).toBe(400);
        expect(result.json).toMatchObject({
          error: { message: `Unsupported MIME type: ${mimeType}` },
        });
      }
    }
    const wellFormed = {
      systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: IMAGE } }] },
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    };
    expect((await callFake(fake(), wellFormed)).status).toBe(200);
  });

  it('never refuses a well-formed type, whatever it is', async () => {
    for (const mimeType of [
      'image/png',
      'application/zip',
      'audio/L16;rate=24000',
      'text/plain; charset=utf-8',
      'image/heic',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]) {
      const result = await callFake(fake(), bodyWith({ inlineData: { mimeType, data: IMAGE } }));
      expect(result.status, mimeType).toBe(200);
    }
  });
});
