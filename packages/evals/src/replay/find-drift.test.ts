import { describe, expect, it } from 'vitest';
import { findDrift, requestDifference } from './find-drift.ts';

// What a replay calls drift: a change in what the model is asked (contents, system prompt, tools,
// tool config), said in words; not the thought signatures the recorder shortens and the fake
// reissues, nor the generation settings.

const request = (extra: Record<string, unknown> = {}) => ({
  contents: [
    { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
    {
      role: 'model',
      parts: [
        {
          functionCall: { name: 'get_weather', args: { city: 'Paris' } },
          thoughtSignature: 'c2ln',
        },
      ],
    },
    {
      role: 'user',
      parts: [{ functionResponse: { name: 'get_weather', response: { tempC: 18 } } }],
    },
  ],
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  tools: [{ functionDeclarations: [{ name: 'get_weather' }] }],
  ...extra,
});

describe('findDrift', () => {
  it('finds none between the same requests, whatever the thought signatures or generation settings', () => {
    const sent = request({ generationConfig: { temperature: 1 }, safetySettings: [] });
    const parts = sent.contents[1]?.parts[0] as Record<string, unknown>;
    parts['thoughtSignature'] = '[9000 characters omitted]';
    parts['thought_signature'] = 'other';
    expect(findDrift([request()], [sent])).toBeUndefined();
  });

  it('says what changed: the system prompt, the tool list, a tool call, or the conversation', () => {
    const drift = (sent: object) => findDrift([request(), request()], [request(), sent]);
    expect(drift(request({ systemInstruction: { parts: [{ text: 'Be kind.' }] } }))).toEqual({
      call: 1,
      path: '$.systemInstruction.parts[0].text',
      reason:
        'model call 2: the request differs at $.systemInstruction.parts[0].text (the system prompt changed)',
    });
    expect(drift(request({ tools: [] }))?.reason).toMatch(/\(the tool list changed\)$/);
    const args = request();
    (args.contents[1]!.parts[0] as { functionCall: { args: object } }).functionCall.args = {
      city: 'Lyon',
    };
    expect(drift(args)).toMatchObject({
      path: '$.contents[1].parts[0].functionCall.args.city',
      reason: expect.stringMatching(/\(a tool call or result changed\)$/),
    });
    const text = request();
    text.contents[0] = { role: 'user', parts: [{ text: 'Weather in Lyon?' }] };
    expect(drift(text)?.reason).toMatch(/\(the conversation changed\)$/);
    expect(
      drift(request({ toolConfig: { functionCallingConfig: { mode: 'ANY' } } })),
    ).toMatchObject({
      path: '$.toolConfig',
      reason: 'model call 2: the request differs at $.toolConfig',
    });
  });

  it('an agent that makes more model calls than recorded drifts at the first extra one; fewer is not drift', () => {
    expect(findDrift([request()], [request(), request()])).toEqual({
      call: 1,
      path: '$',
      reason: 'the agent made 2 model calls, the recording has 1',
    });
    expect(findDrift([request(), request()], [request()])).toBeUndefined();
  });

  it('compares an argument named __proto__ as data', () => {
    const withArgs = (args: string) => {
      const body = request();
      (body.contents[1]!.parts[0] as { functionCall: { args: unknown } }).functionCall.args =
        JSON.parse(args);
      return body;
    };
    expect(
      requestDifference(withArgs('{"__proto__": {"a": 1}}'), withArgs('{"__proto__": {"a": 2}}')),
    ).toBe('$.contents[1].parts[0].functionCall.args.__proto__.a');
  });

  it('reads a recorded request that is not an object as an empty one', () => {
    expect(requestDifference(null, {})).toBeUndefined();
    expect(requestDifference('GET /', request())).toBe('$.contents');
  });
});
