import { describe, expect, it } from 'vitest';
import { createChatTurn } from '../script/chat-script.ts';
import { createRunScript, type JsonObject, type RunScript } from '../script/run-script.ts';
import { RequestValidator } from './validate-request.ts';

const TOOLS = [{ functionDeclarations: [{ name: 'add' }, { name: 'multiply' }] }];

/** The request a correct client sends after `rounds` rounds of `script`. */
function replay(script: RunScript, rounds: number): { contents: JsonObject[]; tools: unknown } {
  const contents: JsonObject[] = [{ role: 'user', parts: [{ text: script.prompt }] }];
  for (const round of script.rounds.slice(0, rounds)) {
    contents.push(structuredClone(round.modelContent));
    contents.push({
      role: 'user',
      parts: round.calls.map((call) => ({
        functionResponse: { id: call.id, name: call.name, response: call.result },
      })),
    });
  }
  return { contents, tools: TOOLS };
}

function failureOf(validator: RequestValidator, script: 'seq5' | 'par3', request: unknown): string {
  const validation = validator.validate(script, request);
  if (validation.ok) throw new Error('expected the request to be rejected');
  return validation.message;
}

describe('RequestValidator', () => {
  const validator = new RequestValidator();
  const seq = createRunScript('seq5', 3);
  const par = createRunScript('par3', 9);

  it('answers each round of a faithful replay with the next round, then with the final answer', () => {
    for (let round = 0; round < seq.rounds.length; round++) {
      expect(validator.validate('seq5', replay(seq, round))).toMatchObject({
        ok: true,
        answer: { kind: 'round', round },
      });
    }
    expect(validator.validate('seq5', replay(seq, seq.rounds.length))).toMatchObject({
      ok: true,
      answer: { kind: 'final' },
    });
  });

  it('rejects a model turn replayed without its thought signature', () => {
    const request = replay(seq, 2);
    delete (request.contents[3]!['parts'] as JsonObject[])[0]!['thoughtSignature'];
    expect(failureOf(validator, 'seq5', request)).toContain('contents[3]');
    expect(failureOf(validator, 'seq5', request)).toContain('thoughtSignature: missing');
  });

  it('rejects a model turn whose function call lost its server id', () => {
    const request = replay(seq, 1);
    const part = (request.contents[1]!['parts'] as JsonObject[])[0]!;
    delete (part['functionCall'] as JsonObject)['id'];
    expect(failureOf(validator, 'seq5', request)).toContain('functionCall.id: missing');
  });

  it('rejects a function response with another id, a wrong result, or out of order', () => {
    const wrongId = replay(par, 1);
    const parts = wrongId.contents[2]!['parts'] as JsonObject[];
    (parts[1]!['functionResponse'] as JsonObject)['id'] = 'someone-else';
    expect(failureOf(validator, 'par3', wrongId)).toContain('parts[1].functionResponse.id');

    const wrongResult = replay(par, 1);
    (((wrongResult.contents[2]!['parts'] as JsonObject[])[0]!['functionResponse'] as JsonObject)[
      'response'
    ] as JsonObject) = { sum: -1, product: -1 };
    expect(failureOf(validator, 'par3', wrongResult)).toContain('does not hold');

    const swapped = replay(par, 1);
    (swapped.contents[2]!['parts'] as JsonObject[]).reverse();
    expect(failureOf(validator, 'par3', swapped)).toContain('parts[0].functionResponse.id');
  });

  it('rejects parallel results split over two user contents', () => {
    const request = replay(par, 1);
    const parts = request.contents[2]!['parts'] as JsonObject[];
    request.contents.splice(
      2,
      1,
      { role: 'user', parts: parts.slice(0, 1) },
      { role: 'user', parts: parts.slice(1) },
    );
    expect(failureOf(validator, 'par3', request)).toMatch(
      /expected 3 functionResponse parts, got 1|odd number/,
    );
  });

  it('accepts results wrapped by a library and the empty text part that ends a streamed turn', () => {
    const request = replay(seq, 1);
    const call = seq.rounds[0]!.calls[0]!;
    request.contents[2] = {
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: call.id,
            name: call.name,
            response: { name: call.name, content: call.result },
          },
        },
      ],
    };
    (request.contents[1]!['parts'] as JsonObject[]).push({ text: '' });
    expect(validator.validate('seq5', request)).toMatchObject({
      ok: true,
      answer: { kind: 'round', round: 1 },
    });
  });

  it('rejects a request that does not declare both tools', () => {
    const request = { ...replay(seq, 0), tools: [{ functionDeclarations: [{ name: 'add' }] }] };
    expect(failureOf(validator, 'seq5', request)).toContain('must declare `add` and `multiply`');
  });

  it('checks every replayed chat turn, not only the last one', () => {
    const contents: JsonObject[] = [];
    for (let turn = 0; turn < 3; turn++) {
      const chat = createChatTurn(5, turn);
      contents.push(
        { role: 'user', parts: [{ text: chat.userText }] },
        structuredClone(chat.modelContent),
      );
    }
    contents.push({ role: 'user', parts: [{ text: createChatTurn(5, 3).userText }] });
    expect(validator.validate('chat', { contents })).toMatchObject({
      ok: true,
      answer: { kind: 'chat', turn: 3 },
    });

    const parts = contents[1]!['parts'] as JsonObject[];
    parts[0]!['text'] = 'a different answer';
    const validation = validator.validate('chat', { contents });
    expect(validation).toMatchObject({ ok: false });
    expect(validation.ok ? '' : validation.message).toContain('contents[1]');
  });
});
