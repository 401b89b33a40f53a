import { describe, expect, it } from 'vitest';
import { MEDIA_PART_TOKENS } from '../../history/estimate-tokens.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { completeUsage } from './complete-usage.ts';

// A gateway that strips usageMetadata (or sends counts the response check drops) must not make
// a step free: a budget would never stop. Asserted on the counts a budget reads.

const request = (
  text: string,
  extra: Partial<GenerateContentRequest> = {},
): GenerateContentRequest => ({
  model: 'gemini-2.5-flash',
  contents: [{ role: 'user', parts: [{ text }] }],
  ...extra,
});

const answer = (
  text: string,
  extra: Partial<GenerateContentResponse> = {},
): GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
  ...extra,
});

describe('completeUsage', () => {
  it('leaves a step alone when the server reported its total, even a total of 0', () => {
    expect(
      completeUsage(request('hi'), answer('yo', { usageMetadata: { totalTokenCount: 0 } })),
    ).toBeUndefined();
    expect(
      completeUsage(
        request('hi'),
        answer('yo', { usageMetadata: { promptTokenCount: 3, totalTokenCount: 9 } }),
      ),
    ).toBeUndefined();
  });

  it('estimates a step with no usage at all from what was sent and received, rounding up', () => {
    // 9 characters sent: 3 tokens (2.25 rounded up); 5 received: 2 tokens.
    const usage = completeUsage(request('a'.repeat(9)), answer('b'.repeat(5)));
    expect(usage).toEqual({ promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 });
  });

  it('counts any text at least one token', () => {
    expect(completeUsage(request('a'), answer('b'))).toEqual({
      promptTokenCount: 1,
      candidatesTokenCount: 1,
      totalTokenCount: 2,
    });
  });

  it('counts the system instruction and the tool declarations into the prompt', () => {
    const bare = completeUsage(request('x'.repeat(40)), answer('ok'));
    const full = completeUsage(
      request('x'.repeat(40), {
        systemInstruction: { parts: [{ text: 'y'.repeat(40) }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: 'lookup',
                description: 'z'.repeat(40),
                parametersJsonSchema: { type: 'object' },
              },
            ],
          },
        ],
      }),
      answer('ok'),
    );
    expect(bare?.promptTokenCount).toBe(10);
    expect(full?.promptTokenCount).toBeGreaterThanOrEqual(10 + 10 + 10);
  });

  it('keeps what the server did report and estimates only the rest', () => {
    const usage = completeUsage(
      request('x'.repeat(400)),
      answer('b'.repeat(8), {
        usageMetadata: { promptTokenCount: 7, thoughtsTokenCount: 11, toolUsePromptTokenCount: 5 },
      }),
    );
    expect(usage).toEqual({
      promptTokenCount: 7,
      candidatesTokenCount: 2,
      thoughtsTokenCount: 11,
      toolUsePromptTokenCount: 5,
      totalTokenCount: 7 + 2 + 11 + 5,
    });
  });

  it('keeps a reported answer count of 0 rather than estimating over it', () => {
    const usage = completeUsage(
      request('abcd'),
      answer('b'.repeat(400), { usageMetadata: { candidatesTokenCount: 0 } }),
    );
    expect(usage?.candidatesTokenCount).toBe(0);
    expect(usage?.totalTokenCount).toBe(1);
  });

  it('counts each media part at the flat image rate', () => {
    const usage = completeUsage(
      {
        model: 'gemini-2.5-flash',
        contents: [
          {
            role: 'user',
            parts: [
              { inlineData: { mimeType: 'image/png', data: 'A'.repeat(100_000) } },
              { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/doc.pdf' } },
            ],
          },
        ],
      },
      answer('ok'),
    );
    // The base64 bytes are not text the model reads: only the flat rate per part.
    expect(usage?.promptTokenCount).toBe(2 * MEDIA_PART_TOKENS);
  });

  it('does not count a thought signature (opaque, up to 47 KB) as text', () => {
    const usage = completeUsage(request('abcd'), {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'abcd', thoughtSignature: 'S'.repeat(47_000) }],
          },
          index: 0,
        },
      ],
    });
    expect(usage?.candidatesTokenCount).toBe(1);
  });

  it('does not count a prompt blocked before the model ran (the API reports none)', () => {
    expect(
      completeUsage(request('bad words'), { promptFeedback: { blockReason: 'SAFETY' } }),
    ).toBeUndefined();
    expect(
      completeUsage(request('bad words'), {
        promptFeedback: { blockReason: 'SAFETY' },
        candidates: [],
      }),
    ).toBeUndefined();
  });

  it('estimates a blocked prompt that still came with a candidate', () => {
    const usage = completeUsage(
      request('abcd'),
      answer('efgh', { promptFeedback: { blockReason: 'OTHER' } }),
    );
    expect(usage?.totalTokenCount).toBe(2);
  });

  it.each([
    ['no candidates', { candidates: [] }],
    ['a null candidate', { candidates: [null as never] }],
    ['a candidate without content', { candidates: [{ index: 0, finishReason: 'STOP' }] }],
    ['usageMetadata null', { candidates: [], usageMetadata: null as never }],
  ])('survives a response with %s, counting the prompt', (_, response) => {
    const usage = completeUsage(request('abcdefgh'), response as GenerateContentResponse);
    expect(usage).toEqual({ promptTokenCount: 2, candidatesTokenCount: 0, totalTokenCount: 2 });
  });

  it('stops short on deep or cyclic garbage instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = { text: 'end' };
    for (let depth = 0; depth < 100_000; depth++) deep = { nested: deep };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const usage = completeUsage(
      {
        model: 'gemini-2.5-flash',
        contents: [
          { role: 'user', parts: [{ text: 'abcd' }] },
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { deep, cyclic } } }] },
        ],
      },
      answer('ok'),
    );
    expect(usage?.promptTokenCount).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(usage?.totalTokenCount)).toBe(true);
  });
});
