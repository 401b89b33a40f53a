import { describe, expect, it } from 'vitest';
import { defaultMcpMediaTypes, toMcpToolOutput } from './to-mcp-tool-output.ts';

const media = new Set(defaultMcpMediaTypes);

describe('toMcpToolOutput', () => {
  it('answers an empty result with an empty output', () => {
    expect(toMcpToolOutput({ content: [] }, media)).toMatchObject({
      isError: false,
      response: { output: '' },
      parts: [],
    });
  });

  it('keeps a content block of an unknown type as its JSON instead of dropping it', () => {
    const output = toMcpToolOutput({ content: [{ type: 'chart', series: [1, 2] }] }, media);
    expect(output.response).toEqual({ output: '{"type":"chart","series":[1,2]}' });
  });

  it('describes media whose data is not base64 instead of failing the whole result', () => {
    const output = toMcpToolOutput(
      {
        content: [
          { type: 'text', text: 'chart ready' },
          { type: 'image', mimeType: 'image/png', data: '<svg>not base64</svg>' },
          { type: 'image', mimeType: 'image/png', data: 'iVBO\nRw0K' },
        ],
      },
      media,
    );
    expect(output.parts).toEqual([{ inlineData: { mimeType: 'image/png', data: 'iVBORw0K' } }]);
    expect(output.response).toEqual({
      output: 'chart ready\n[image (image/png) left out: its data is not valid base64]',
    });
  });

  it('reads the legacy toolResult shape', () => {
    expect(toMcpToolOutput({ toolResult: { rows: 3 } }, media).response).toEqual({
      output: { rows: 3 },
    });
  });

  it('puts the text of an error result under error and keeps its structuredContent aside', () => {
    const output = toMcpToolOutput(
      {
        content: [{ type: 'text', text: 'quota spent' }],
        structuredContent: { retryAfter: 30 },
        isError: true,
      },
      media,
    );
    expect(output).toMatchObject({
      isError: true,
      text: 'quota spent',
      response: { error: 'quota spent' },
      structuredContent: { retryAfter: 30 },
    });
  });

  it('accepts media types case-insensitively and honours a custom list', () => {
    const block = { type: 'audio', data: 'AAAA', mimeType: 'AUDIO/WAV' };
    expect(toMcpToolOutput({ content: [block] }, new Set(['audio/wav'])).parts).toEqual([
      { inlineData: { mimeType: 'AUDIO/WAV', data: 'AAAA' } },
    ]);
    expect(toMcpToolOutput({ content: [block] }, media).parts).toEqual([]);
  });

  it('joins base64 that a server wrapped in lines', () => {
    const block = { type: 'image', data: 'iVBO\nRw0K\r\nGgo=', mimeType: 'image/png' };
    expect(toMcpToolOutput({ content: [block] }, media).parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it('ignores structuredContent that is not an object', () => {
    const output = toMcpToolOutput(
      {
        content: [{ type: 'text', text: '[1,2]' }],
        structuredContent: [1, 2] as unknown as Record<string, unknown>,
      },
      media,
    );
    expect(output.response).toEqual({ output: '[1,2]' });
  });
});
