import { describe, expect, it } from 'vitest';
import { callFake, errorMessage } from '../__fixtures__/call-fake.ts';
import {
  answer,
  call,
  declarations,
  fake,
  signed,
  user,
} from '../__fixtures__/contract-requests.ts';
import { listFixtures, readFixtureJson } from '../__fixtures__/gemini-fixtures.ts';

// Each rule is proven twice: the shape the real API refused gets the real status and text, and
// the recorded requests the real API accepted (requests/*.request.json) are accepted.

describe('createFakeGemini contract checks', () => {
  describe('accepted recorded requests', () => {
    it.each(listFixtures('requests'))('answers 200 to %s', async (file) => {
      const body = readFixtureJson(`requests/${file}`);
      const model = file.startsWith('gemini3') ? 'gemini-3-flash-preview' : 'gemini-2.5-flash';
      // Real Google signatures: the fake cannot have issued them, so only presence is checked.
      const result = await callFake(fake({ signatureValidation: 'present' }), body, { model });
      expect(result.status, result.text).toBe(200);
    });

    it('accepts the base64 sentinel recording even when it checks who issued signatures', async () => {
      const body = readFixtureJson(
        'requests/gemini3-flash__foreign-history-base64-sentinel-signature.request.json',
      );
      expect((await callFake(fake(), body)).status).toBe(200);
    });

    it('refuses real Google signatures it did not issue, as a signature from elsewhere is refused', async () => {
      const body = readFixtureJson(
        'requests/gemini3-flash__snake-case-function_call-with-camel-thoughtSignature.request.json',
      );
      const result = await callFake(fake(), body);
      expect(result.status).toBe(400);
      expect(errorMessage(result.json)).toBe('Corrupted thought signature.');
    });
  });

  describe('recorded error bodies, byte for byte', () => {
    it('missing thought signature (array form of streamGenerateContent without alt=sse)', async () => {
      const expected = readFixtureJson(
        'errors/400-INVALID_ARGUMENT-missing-thought_signature.no-alt-sse-array.json',
      );
      const body = {
        contents: [
          user('list the files'),
          user('then run ls'),
          { role: 'model', parts: [call('exec_command', { args: { cmd: 'ls' } })] },
          { role: 'user', parts: [answer('exec_command')] },
        ],
      };
      const result = await callFake(fake(), body, { mode: 'array' });
      expect(result.status).toBe(400);
      expect(result.json).toEqual(expected);
    });

    it('tool call context circulation on Gemini 2.5', async () => {
      const expected = readFixtureJson(
        'errors/400-INVALID_ARGUMENT-tool-call-context-circulation-not-enabled.json',
      );
      const body = {
        contents: [user('hi')],
        tools: [{ googleSearch: {} }, ...declarations('lookup')],
        toolConfig: { includeServerSideToolInvocations: true },
      };
      const result = await callFake(fake(), body, { model: 'gemini-2.5-flash' });
      expect(result.status).toBe(400);
      expect(result.json).toEqual(expected);
    });

    it('built-in tools beside function declarations on Gemini 2.5', async () => {
      const expected = readFixtureJson(
        'errors/400-INVALID_ARGUMENT-tool-use-with-function-calling-unsupported.RECONSTRUCTED.json',
      );
      const body = {
        contents: [user('hi')],
        tools: [{ googleSearch: {} }, ...declarations('lookup')],
      };
      const result = await callFake(fake(), body, { model: 'gemini-2.5-flash' });
      expect(result.json).toEqual(expected);
    });

    it('unknown keywords inside parameters, with BadRequest field violations', async () => {
      const expected = readFixtureJson(
        'errors/400-INVALID_ARGUMENT-unknown-name-additionalProperties-in-parameters.RECONSTRUCTED.json',
      );
      const plain = (name: string) => ({
        functionDeclarations: [{ name, parameters: { type: 'OBJECT', properties: {} } }],
      });
      const tools: unknown[] = Array.from({ length: 16 }, (_, index) => plain(`tool_${index}`));
      tools[10] = {
        functionDeclarations: [
          {
            name: 'tool_10',
            parameters: {
              type: 'OBJECT',
              properties: {
                rows: {
                  type: 'ARRAY',
                  items: { type: 'OBJECT', additionalProperties: false, properties: {} },
                },
              },
            },
          },
        ],
      };
      tools[15] = {
        functionDeclarations: [
          {
            name: 'tool_15',
            parameters: {
              type: 'OBJECT',
              properties: {
                a: { type: 'STRING' },
                b: { type: 'STRING' },
                c: { anyOf: [{ type: 'OBJECT', additionalProperties: true }, { type: 'STRING' }] },
              },
            },
          },
        ],
      };
      const result = await callFake(fake(), { contents: [user('hi')], tools });
      expect(result.status).toBe(400);
      expect(result.json).toEqual(expected);
    });

    it('unknown model', async () => {
      const expected = readFixtureJson('errors/404-NOT_FOUND-unknown-model.json');
      const result = await callFake(
        fake(),
        { contents: [user('hi')] },
        { model: 'gemini-3.6-flahs' },
      );
      expect(result.status).toBe(404);
      expect(result.json).toEqual(expected);
    });

    it('a key the server does not accept', async () => {
      const expected = readFixtureJson(
        'errors/400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json',
      );
      const result = await callFake(
        fake({ apiKeys: ['right'] }),
        { contents: [user('hi')] },
        {
          apiKey: 'wrong',
        },
      );
      expect(result.status).toBe(400);
      expect(result.json).toEqual(expected);
    });

    it('function response count (message and status of the recorded body)', async () => {
      const [expected] = readFixtureJson<{ error: { message: string; status: string } }[]>(
        'errors/400-INVALID_ARGUMENT-functionResponse-count-mismatch.cloudcode-array.json',
      );
      const body = {
        contents: [
          user('two things'),
          { role: 'model', parts: [signed('a'), call('b')] },
          { role: 'user', parts: [answer('a')] },
        ],
      };
      const result = await callFake(fake(), body);
      expect(result.status).toBe(400);
      // The recording came through Cloud Code Assist, which adds a legacy `errors` array.
      expect(result.json).toEqual({
        error: { code: 400, message: expected?.error.message, status: expected?.error.status },
      });
    });
  });
});
