import { describe, expect, it } from 'vitest';
import { MAX_RECORDED_NAME_CHARS, type RecordedRunLine } from './recorded-run.ts';
import { LONG_OPAQUE, serializeLine } from './serialize-line.ts';

// A function call's `name` and `id` in a request or response line: a declared tool's fit whole,
// a model's made-up megabytes do not (toolname41).

function responseLine(name: string, id: string): RecordedRunLine {
  return {
    type: 'model-call-end',
    stepNumber: 1,
    response: {
      candidates: [
        { content: { role: 'model', parts: [{ functionCall: { name, id, args: {} } }] } },
      ],
    },
    at: 0,
  };
}

function requestLine(name: string, id: string): RecordedRunLine {
  return {
    type: 'model-call-start',
    stepNumber: 2,
    streaming: false,
    request: {
      contents: [
        { role: 'user', parts: [{ functionResponse: { name, id, response: { error: 'x' } } }] },
      ],
    },
    at: 0,
  };
}

const callOf = (json: string): { name: string; id: string } => {
  const line = JSON.parse(json);
  const part = (line.response?.candidates[0].content ?? line.request.contents[0]).parts[0];
  return part.functionCall ?? part.functionResponse;
};

describe('serializeLine: function call names and ids', () => {
  const fits = 'n'.repeat(MAX_RECORDED_NAME_CHARS);
  const long = 'n'.repeat(100_000);

  it('keeps a name and id of 128 characters whole', () => {
    for (const line of [responseLine(fits, fits), requestLine(fits, fits)]) {
      expect(callOf(serializeLine(line, LONG_OPAQUE, 'shortened'))).toMatchObject({
        name: fits,
        id: fits,
      });
    }
  });

  it('shortened: cuts a longer one at 128 with how much was left out', () => {
    for (const line of [responseLine(long, long), requestLine(long, `${long}x`)]) {
      const json = serializeLine(line, LONG_OPAQUE, 'shortened');
      expect(json.length).toBeLessThan(2_000);
      const call = callOf(json);
      expect(call.name).toBe(`${fits}… [${long.length - 128} characters omitted]`);
      expect(call.id.startsWith(fits)).toBe(true);
    }
    // The line itself is left as it was (the agent's history is the wire's).
    const line = responseLine(long, 'a');
    serializeLine(line, LONG_OPAQUE, 'shortened');
    expect(JSON.stringify(line).length).toBeGreaterThan(long.length);
  });

  it('full: keeps them whole up to maxOpaqueBytes, a note past it', () => {
    expect(callOf(serializeLine(responseLine(long, 'a'), 1024 * 1024, 'full')).name).toBe(long);
    expect(callOf(serializeLine(requestLine('a', long), 4096, 'full')).id).toBe(
      `[${long.length} characters omitted: past maxOpaqueBytes]`,
    );
  });
});
