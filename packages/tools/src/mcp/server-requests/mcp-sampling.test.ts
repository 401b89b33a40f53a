import { describe, expect, it } from 'vitest';
import { type SamplingParams, toSamplingContents, toSamplingRequest } from './mcp-sampling.ts';

// A server's sampling request (MCP `sampling/createMessage`) as the Gemini request it becomes:
// roles mapped, text, image and audio kept in order, anything else refused by name.

describe('toSamplingContents', () => {
  it('maps assistant to model and everything else to user, blocks in order', () => {
    const converted = toSamplingContents([
      { role: 'user', content: { type: 'text', text: 'Describe this.' } },
      {
        role: 'user',
        content: [
          { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
          { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' },
          { type: 'text', text: 'and this' },
        ],
      },
      { role: 'assistant', content: { type: 'text', text: 'A cat.' } },
      { role: 'system', content: { type: 'text', text: 'odd role' } },
    ]);
    expect(converted).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Describe this.' }] },
        {
          role: 'user',
          parts: [
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
            { text: 'and this' },
          ],
        },
        { role: 'model', parts: [{ text: 'A cat.' }] },
        { role: 'user', parts: [{ text: 'odd role' }] },
      ],
    });
  });

  it.each([
    ['a tool_use block', { type: 'tool_use', id: 't1', name: 'f', input: {} }, '"tool_use"'],
    ['a tool_result block', { type: 'tool_result', toolUseId: 't1', content: [] }, '"tool_result"'],
    ['a resource link', { type: 'resource_link', uri: 'file:///etc/passwd' }, '"resource_link"'],
    ['text that is no string', { type: 'text', text: { nested: true } }, '"text"'],
    ['an image without data', { type: 'image', mimeType: 'image/png' }, '"image"'],
    ['a block without a type', { text: 'x' }, '"undefined"'],
  ])('refuses %s, naming the message and the block', (_case, block, named) => {
    const converted = toSamplingContents([
      { role: 'user', content: { type: 'text', text: 'ok' } },
      { role: 'user', content: [{ type: 'text', text: 'ok' }, block] },
    ]);
    expect(converted).toEqual({ problem: `message 1 holds a ${named} block` });
  });

  it('keeps text of any size and script as it came', () => {
    const text = `${'€'.repeat(100_000)} 😀 \u0000 \u202e`;
    expect(toSamplingContents([{ role: 'user', content: { type: 'text', text } }])).toEqual({
      contents: [{ role: 'user', parts: [{ text }] }],
    });
  });
});

describe('toSamplingRequest', () => {
  const contents = [{ role: 'user' as const, parts: [{ text: 'Hi' }] }];

  it('puts the policy model, the system prompt and the limits in their Gemini fields', () => {
    const params: SamplingParams = {
      messages: [],
      systemPrompt: 'Be brief.',
      maxTokens: 100,
      temperature: 0.2,
      stopSequences: ['END'],
    };
    expect(toSamplingRequest(params, contents, 'gemini-2.5-flash')).toEqual({
      model: 'gemini-2.5-flash',
      contents,
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 100, temperature: 0.2, stopSequences: ['END'] },
    });
  });

  it('sends no system instruction for an empty prompt, and only the limits given', () => {
    const request = toSamplingRequest(
      { messages: [], systemPrompt: '', maxTokens: 5 },
      contents,
      'gemini-2.5-flash',
    );
    expect(request).not.toHaveProperty('systemInstruction');
    expect(request.generationConfig).toEqual({ maxOutputTokens: 5 });
  });

  it('copies the stop sequences, so the request does not share the server’s array', () => {
    const stopSequences = ['a'];
    const request = toSamplingRequest({ messages: [], maxTokens: 5, stopSequences }, contents, 'm');
    stopSequences.push('b');
    expect(request.generationConfig?.stopSequences).toEqual(['a']);
  });
});
