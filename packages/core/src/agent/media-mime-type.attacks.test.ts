import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateHistory } from '../history/validate-history.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { toolResult } from '../tools/responses/tool-result.ts';
import type { Part } from '../wire/content.ts';
import { callsTurn, createScriptedGemini, textTurn } from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';
import { InvalidHistoryError } from './errors/invalid-history-error.ts';

// attack44c sent `application/zip` in a tool's media and noted that nothing checked MIME types.
// Which types a model reads changes by model and over time (the API's Blob doc: "If an
// unsupported MIME type is provided, an error will be returned. For a complete list of supported
// types, see Supported file formats"; image/gif was read by 1.5 and not by 2.0), so gemloop does
// not refuse a type the API may take. It refuses what is no MIME type at all, before any request
// (tools45): empty, a control character (a header's CR LF among them), no "/", over 255
// characters (RFC 6838 4.2: 127 for each of type and subtype).

const PNG = 'iVBORw0KGgo=';

const MALFORMED: [string, string][] = [
  ['empty', ''],
  ['a control character', 'image/png\u0000'],
  ['CR LF', 'image/png\r\nX-Injected: 1'],
  ['no slash', 'imagepng'],
  ['over 255 characters', `image/${'x'.repeat(250)}`],
];

const ACCEPTED = [
  'image/png',
  'image/heic',
  'application/zip',
  'audio/L16;rate=24000',
  'text/plain; charset=utf-8',
  'video/x-flv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
];

describe('a malformed MIME type in a user part is refused before any request', () => {
  it.each(MALFORMED)('%s (run and stream; inlineData and fileData)', async (_, mimeType) => {
    for (const mode of ['run', 'stream'] as const) {
      for (const media of [
        { inlineData: { mimeType, data: PNG } },
        {
          fileData: {
            mimeType,
            fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/a',
          },
        },
      ] as Part[]) {
        const gemini = createScriptedGemini([textTurn('A picture.')]);
        const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
        const input: Part[] = [{ text: 'What is this?' }, media];
        const running = mode === 'run' ? agent.run(input) : agent.stream(input).result;
        const error = await running.then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(InvalidHistoryError.isInstance(error)).toBe(true);
        const issue = (error as InvalidHistoryError).issues[0];
        const field = 'inlineData' in media ? 'inlineData' : 'fileData';
        expect(issue).toMatchObject({ code: 'invalid-mime-type', contentIndex: 0, partIndex: 1 });
        expect(issue?.message).toContain(`contents[0].parts[1].${field}.mimeType`);
        expect(issue?.message).toContain('"image/png"');
        // The value itself is not quoted: no CR LF or NUL reaches a log line.
        for (const character of ['\u0000', '\r', '\n'])
          expect(issue?.message).not.toContain(character);
        expect(gemini.calls).toHaveLength(0);
      }
    }
  });

  it('a functionResponse part in a stored history, either spelling, is checked too', () => {
    const issues = validateHistory([
      { role: 'user', parts: [{ text: 'Draw.' }] },
      { role: 'model', parts: [{ functionCall: { name: 'draw', args: {} } }] },
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              name: 'draw',
              response: {},
              parts: [{ inline_data: { mime_type: 'png', data: PNG } }],
            },
          },
        ],
      },
    ] as never);
    expect(issues.map((issue) => issue.code)).toEqual(['invalid-mime-type']);
    expect(issues[0]?.message).toContain('contents[2].parts[0].functionResponse.parts[0]');
  });

  it('well-formed types of any kind, and a part without one, are left to the API', () => {
    for (const mimeType of ACCEPTED) {
      expect(
        validateHistory([
          { role: 'user', parts: [{ text: 'x' }, { inlineData: { mimeType, data: PNG } }] },
        ]),
      ).toEqual([]);
    }
    expect(
      validateHistory([
        { role: 'user', parts: [{ fileData: { fileUri: 'gs://bucket/a.pdf' } }] },
      ] as never),
    ).toEqual([]);
  });
});

describe("a malformed MIME type in a tool's media fails the call, naming the part, before it is sent", () => {
  it.each(MALFORMED)('%s (run and stream)', async (_, mimeType) => {
    for (const mode of ['run', 'stream'] as const) {
      for (const part of [
        { mimeType, data: PNG },
        { inlineData: { mimeType, data: PNG } },
        { fileData: { mimeType, fileUri: 'gs://bucket/a.png' } },
      ]) {
        const gemini = createScriptedGemini([
          callsTurn(['render', { page: 1 }, 'c1']),
          textTurn('No picture.'),
        ]);
        const render = defineTool({
          name: 'render',
          parameters: z.object({ page: z.number() }),
          execute: () => toolResult({ output: 'rendered', parts: [part as never] }),
        });
        const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [render] });
        const result =
          mode === 'run' ? await agent.run('Render.') : await agent.stream('Render.').result;
        const call = result.steps[0]?.toolCalls[0];
        expect(call?.outcome).toBe('execution-error');
        expect(call?.error).toContain('parts[0]');
        expect(call?.error).toContain('mimeType');
        const sent = gemini.contentsOf(1).at(-1)?.parts?.[0]?.functionResponse;
        expect(sent?.parts).toBeUndefined();
        // No request carries it as a part's MIME type (the error's words may quote it).
        expect(JSON.stringify(gemini.calls.map((each) => each.request))).not.toContain(
          `"mimeType":${JSON.stringify(mimeType)}`,
        );
      }
    }
  });

  it('well-formed types of any kind are sent', () => {
    for (const mimeType of ACCEPTED) {
      expect(toolResult({ parts: [{ mimeType, data: PNG }] }).parts[0]).toEqual({
        inlineData: { mimeType, data: PNG },
      });
    }
  });
});
