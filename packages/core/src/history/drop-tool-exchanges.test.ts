import { describe, expect, it } from 'vitest';
import type { Content } from '../wire/content.ts';
import { dropToolExchanges } from './drop-tool-exchanges.ts';

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const answer = (text: string): Content => ({ role: 'model', parts: [{ text }] });
const calls = (...names: string[]): Content => ({
  role: 'model',
  parts: names.map((name) => ({ functionCall: { name, args: {} } })),
});
const responses = (...names: string[]): Content => ({
  role: 'user',
  parts: names.map((name) => ({ functionResponse: { name, response: { ok: true } } })),
});

describe('dropToolExchanges', () => {
  it('drops the tool exchanges after `from`, keeping the last model turn (the transfer) and its answer', () => {
    const contents = [
      user('book a flight'),
      calls('search'),
      responses('search'),
      calls('transfer_to_booking'),
      responses('transfer_to_booking'),
    ];
    expect(dropToolExchanges(contents, 1)).toEqual([
      user('book a flight'),
      calls('transfer_to_booking'),
      responses('transfer_to_booking'),
    ]);
  });

  it('keeps everything before `from` as it is, tool exchanges included', () => {
    const contents = [
      user('a'),
      calls('x'),
      responses('x'),
      user('b'),
      calls('y'),
      responses('y'),
      calls('t'),
    ];
    expect(dropToolExchanges(contents, 3)).toEqual([
      user('a'),
      calls('x'),
      responses('x'),
      user('b'),
      calls('t'),
    ]);
  });

  it('keeps a model turn with text beside its calls: the words were said to the user', () => {
    const spoken: Content = {
      role: 'model',
      parts: [{ text: 'Let me look that up.' }, { functionCall: { name: 'search', args: {} } }],
    };
    const contents = [user('q'), spoken, responses('search'), answer('done')];
    expect(dropToolExchanges(contents, 0)).toEqual(contents);
  });

  it('drops a call turn whose only other parts are thoughts or empty text', () => {
    const thinking: Content = {
      role: 'model',
      parts: [
        { text: 'planning', thought: true },
        { text: '  ' },
        { functionCall: { name: 'search', args: {} }, thoughtSignature: 'c2ln' },
      ],
    };
    expect(
      dropToolExchanges([user('q'), thinking, responses('search'), answer('done')], 0),
    ).toEqual([user('q'), answer('done')]);
  });

  it('keeps a call turn with media beside its calls, and one whose answer is not only responses', () => {
    const withImage: Content = {
      role: 'model',
      parts: [
        { inlineData: { mimeType: 'image/png', data: 'AA==' } },
        { functionCall: { name: 'x', args: {} } },
      ],
    };
    const mixedAnswer: Content = {
      role: 'user',
      parts: [{ functionResponse: { name: 'y', response: {} } }, { text: 'and also this' }],
    };
    const contents = [user('q'), withImage, responses('x'), calls('y'), mixedAnswer, answer('end')];
    expect(dropToolExchanges(contents, 0)).toEqual(contents);
  });

  it('drops nothing when no model turn comes after the exchanges, and copies the list', () => {
    const contents = [user('q'), calls('x'), responses('x')];
    const kept = dropToolExchanges(contents, 0);
    expect(kept).toEqual(contents);
    expect(kept).not.toBe(contents);
    expect(dropToolExchanges([], 0)).toEqual([]);
  });

  it('drops a call turn left unanswered only when the next content answers it', () => {
    const contents = [user('q'), calls('x'), user('never mind'), answer('ok')];
    expect(dropToolExchanges(contents, 0)).toEqual(contents);
  });
});
