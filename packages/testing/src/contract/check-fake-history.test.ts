import { describe, expect, it } from 'vitest';
import { answer, call, user } from '../__fixtures__/contract-requests.ts';
import {
  checkFakeHistory,
  type FakeHistoryIssue,
  isDummySignature,
  listSignedSteps,
} from './check-fake-history.ts';

// The fake's own reading of `contents`, called directly: where each issue points (content and
// part), the order issues come in, the snake_case spellings the API also reads, and the
// current-turn boundary of the Gemini 3 signature rule. `history-rules.test.ts` sets the verdict
// of each rule beside the client's; this file pins what a caller of `checkFakeHistory` reads.

const model = (...parts: unknown[]) => ({ role: 'model', parts });
const userParts = (...parts: unknown[]) => ({ role: 'user', parts });
const rules = (issues: readonly FakeHistoryIssue[]) => issues.map((issue) => issue.rule);

describe('checkFakeHistory', () => {
  it('takes a plain exchange of text, calls and answers with no issue, in both modes', () => {
    const contents = [
      user('weather?'),
      model(call('weather', { id: 'a' })),
      userParts(answer('weather', { id: 'a' })),
      model({ text: 'Sunny.' }),
    ];
    expect(checkFakeHistory(contents)).toEqual([]);
    expect(checkFakeHistory(contents, { strict: true })).toEqual([]);
  });

  it('reads an absent or null contents as the empty list, as proto3 JSON does', () => {
    for (const contents of [undefined, null, []]) {
      expect(checkFakeHistory(contents)).toEqual([{ rule: 'empty-contents', contentIndex: -1 }]);
    }
  });

  it('refuses a contents that is an object, a string or a number, at index -1', () => {
    for (const contents of [{ 0: user('x') }, 'hi', 3, true]) {
      expect(checkFakeHistory(contents)).toEqual([{ rule: 'invalid-contents', contentIndex: -1 }]);
    }
  });

  it('points each issue at its content and part', () => {
    const issues = checkFakeHistory([user('a'), userParts({ text: 'b' }, { text: 7 })]);
    expect(issues).toEqual([{ rule: 'invalid-text', contentIndex: 1, partIndex: 1 }]);
  });

  it('sorts issues by content, then part, whatever order the rules found them in', () => {
    // The pairing rules run after every content is read: without the sort the call-position
    // issue of content 0 would come after the part issues of contents 1 and 2.
    const contents = [
      model(call('a')),
      userParts(answer('a'), { text: 5 }),
      userParts({ text: 'x' }, { inlineData: { mimeType: 'a/b', data: '' }, text: 'y' }),
    ];
    const issues = checkFakeHistory(contents);
    const positions = issues.map((issue) => [issue.contentIndex, issue.partIndex ?? -1]);
    const sorted = [...positions].sort(
      (a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0),
    );
    expect(positions).toEqual(sorted);
    expect(rules(issues)).toEqual([
      'function-call-turn-position',
      'invalid-text',
      'multiple-part-data',
    ]);
  });

  it('reads role null as the user, but refuses any other role word, case included', () => {
    expect(checkFakeHistory([{ role: null, parts: [{ text: 'x' }] }])).toEqual([]);
    for (const role of ['User', 'MODEL', 'system', 'function', 0]) {
      expect(rules(checkFakeHistory([{ role, parts: [{ text: 'x' }] }])), String(role)).toEqual([
        'invalid-role',
      ]);
    }
  });

  it('refuses parts that are not a list, and parts that are null, as empty', () => {
    expect(rules(checkFakeHistory([{ role: 'user', parts: { text: 'x' } }]))).toEqual([
      'invalid-part',
    ]);
    expect(rules(checkFakeHistory([{ role: 'user', parts: null }]))).toEqual(['empty-parts']);
  });

  it('counts each spelling of a field as data, and both spellings as two', () => {
    expect(
      checkFakeHistory([userParts({ inline_data: { mimeType: 'a/b', data: 'AA==' } })]),
    ).toEqual([]);
    expect(
      rules(checkFakeHistory([userParts({ text: 'a', file_data: { fileUri: 'u' } })])),
    ).toEqual(['multiple-part-data']);
    expect(
      rules(
        checkFakeHistory([
          user('go'),
          model({ functionCall: { name: 'a' }, function_call: { name: 'a' } }),
        ]),
      ),
    ).toContain('multiple-part-data');
  });

  it('counts an empty text as data (the API takes it), and a null field as absent', () => {
    expect(checkFakeHistory([userParts({ text: '' })])).toEqual([]);
    expect(rules(checkFakeHistory([userParts({ text: null })]))).toEqual(['missing-part-data']);
  });

  it('pairs snake_case calls and responses like camelCase ones', () => {
    const contents = [
      user('go'),
      model({ function_call: { name: 'a', id: '1', args: {} } }),
      userParts({ function_response: { name: 'a', id: '1', response: { ok: true } } }),
    ];
    expect(checkFakeHistory(contents)).toEqual([]);
    expect(checkFakeHistory(contents, { strict: true })).toEqual([]);
  });

  it('refuses a call whose name is empty or no string, and args that are no object', () => {
    for (const functionCall of [{ name: '' }, { name: 3 }, 'a', { name: 'a', args: 'x' }]) {
      const issues = checkFakeHistory([user('go'), model({ functionCall })]);
      expect(rules(issues), JSON.stringify(functionCall)).toContain('invalid-function-call');
    }
    // Absent and null args are the empty Struct.
    expect(
      checkFakeHistory([user('go'), model({ functionCall: { name: 'a', args: null } })]),
    ).toEqual([]);
  });

  it('matches answers to calls by id in any order, and ignores answers without an id', () => {
    const contents = [
      user('go'),
      model(call('a', { id: '1' }), call('b', { id: '2' })),
      userParts(answer('b', { id: '2' }), answer('a', { id: '1' })),
    ];
    expect(checkFakeHistory(contents)).toEqual([]);
    expect(checkFakeHistory(contents, { strict: true })).toEqual([]);
    const noIds = [user('go'), model(call('a', { id: '1' })), userParts(answer('a'))];
    expect(checkFakeHistory(noIds)).toEqual([]);
  });

  it('names the part of a mismatched answer id, in the content that holds it', () => {
    const contents = [
      user('go'),
      model(call('a', { id: '1' }), call('b', { id: '2' })),
      userParts(answer('a', { id: '1' })),
      userParts(answer('b', { id: 'x' })),
    ];
    expect(checkFakeHistory(contents)).toEqual([
      { rule: 'function-response-id-mismatch', contentIndex: 3, partIndex: 0 },
    ]);
  });

  it('refuses two answers with one id, which leave a call unanswered, in both modes', () => {
    const contents = [
      user('go'),
      model(call('a', { id: '1' }), call('a', { id: '2' })),
      userParts(answer('a', { id: '1' }), answer('a', { id: '1' })),
    ];
    const second = { rule: 'function-response-id-mismatch', contentIndex: 2, partIndex: 1 };
    expect(checkFakeHistory(contents)).toEqual([second]);
    expect(checkFakeHistory(contents, { strict: true })).toEqual([second]);
    // Spread over two user contents (the lenient reading of one turn), the same.
    const spread = [
      user('go'),
      model(call('a', { id: '1' }), call('a', { id: '2' })),
      userParts(answer('a', { id: '1' })),
      userParts(answer('a', { id: '1' })),
    ];
    expect(checkFakeHistory(spread)).toEqual([{ ...second, contentIndex: 3, partIndex: 0 }]);
  });

  it('in strict mode, pairs answers without ids to calls by position, names included', () => {
    const contents = [user('go'), model(call('a'), call('b')), userParts(answer('a'), answer('c'))];
    expect(checkFakeHistory(contents, { strict: true })).toEqual([
      { rule: 'function-response-name-mismatch', contentIndex: 2, partIndex: 1 },
    ]);
    expect(checkFakeHistory(contents)).toEqual([]);
  });

  it('reads a run of model contents as one turn: the answers after it must count all calls', () => {
    const contents = [user('go'), model(call('a')), model(call('b')), userParts(answer('a'))];
    expect(checkFakeHistory(contents)).toEqual([
      { rule: 'function-response-count', contentIndex: 3 },
    ]);
  });

  it('does not merge contents of an invalid role into one turn', () => {
    const contents = [
      user('go'),
      { role: 'tool', parts: [{ text: 'x' }] },
      { role: 'tool', parts: [{ text: 'y' }] },
    ];
    expect(checkFakeHistory(contents)).toEqual([
      { rule: 'invalid-role', contentIndex: 1 },
      { rule: 'invalid-role', contentIndex: 2 },
    ]);
  });

  it('never throws on hostile input: __proto__ keys, deep nesting, huge and emoji-split text', () => {
    const proto = JSON.parse(
      '[{"role":"user","parts":[{"__proto__":{"text":"x"}}]},{"__proto__":{"role":"model"},"parts":[{"text":"y"}]}]',
    );
    expect(rules(checkFakeHistory(proto))).toEqual(['missing-part-data']);
    let deep: unknown = { text: 'x' };
    for (let depth = 0; depth < 10_000; depth++) deep = { args: deep };
    expect(() =>
      checkFakeHistory([user('go'), model({ functionCall: { name: 'a', args: deep } })]),
    ).not.toThrow();
    const huge = `${'😀'.repeat(100_000)}\ud83d`;
    expect(checkFakeHistory([userParts({ text: huge })])).toEqual([]);
    const many = Array.from({ length: 20_000 }, (_, index) => user(String(index)));
    expect(checkFakeHistory(many)).toEqual([]);
  });
});

describe('checkFakeHistory thought signatures (requireThoughtSignatures)', () => {
  const signatures = { requireThoughtSignatures: true };

  it('accepts either spelling of the signature on the first call of a step', () => {
    for (const key of ['thoughtSignature', 'thought_signature']) {
      const contents = [user('go'), model({ ...call('a'), [key]: 'c2ln' })];
      expect(checkFakeHistory(contents, signatures), key).toEqual([]);
    }
  });

  it('refuses an empty signature as missing, and points at the first call part', () => {
    const contents = [
      user('go'),
      model({ text: 'thinking' }, { ...call('a'), thoughtSignature: '' }),
    ];
    expect(checkFakeHistory(contents, signatures)).toEqual([
      { rule: 'missing-thought-signature', contentIndex: 1, partIndex: 1 },
    ]);
  });

  it('checks every step of the current turn, not only the last', () => {
    const contents = [
      user('go'),
      model({ ...call('a'), thoughtSignature: 'c2ln' }),
      userParts(answer('a')),
      model(call('b')),
      userParts(answer('b')),
    ];
    expect(checkFakeHistory(contents, signatures)).toEqual([
      { rule: 'missing-thought-signature', contentIndex: 3, partIndex: 0 },
    ]);
  });

  it('leaves the signature rule out unless asked', () => {
    expect(checkFakeHistory([user('go'), model(call('a'))])).toEqual([]);
  });
});

describe('listSignedSteps', () => {
  it('starts the current turn after the last user content with non-empty text', () => {
    const contents = [
      user('first'),
      model(call('old')),
      userParts(answer('old')),
      user('second'),
      model({ text: 'let me look' }, call('new')),
      userParts(answer('new'), { text: '' }),
      model({ ...call('again'), thoughtSignature: 'c2ln' }),
    ];
    expect(listSignedSteps(contents)).toEqual([
      { contentIndex: 4, partIndex: 1, signature: undefined },
      { contentIndex: 6, partIndex: 0, signature: 'c2ln' },
    ]);
  });

  it('reads a user content with no role as the turn start too', () => {
    const contents = [model(call('old')), { parts: [{ text: 'hi' }] }, model(call('new'))];
    expect(listSignedSteps(contents).map((step) => step.contentIndex)).toEqual([2]);
  });

  it('treats the whole history as the current turn when no user text is in it', () => {
    const contents = [model(call('a')), userParts(answer('a')), model(call('b'))];
    expect(listSignedSteps(contents).map((step) => step.contentIndex)).toEqual([0, 2]);
  });

  it('skips model contents without calls and entries that are no object', () => {
    expect(listSignedSteps([user('go'), model({ text: 'no call' }), null, 'x', model()])).toEqual(
      [],
    );
  });

  it('ignores a functionCall that is no object when finding the first call', () => {
    const contents = [
      user('go'),
      model({ functionCall: 'x' }, { ...call('a'), thoughtSignature: 'c2ln' }),
    ];
    expect(listSignedSteps(contents)).toEqual([
      { contentIndex: 1, partIndex: 1, signature: 'c2ln' },
    ]);
  });
});

describe('isDummySignature', () => {
  it('knows both documented dummies, raw, base64 and unpadded base64', () => {
    for (const text of [
      'skip_thought_signature_validator',
      'context_engineering_is_the_way_to_go',
    ]) {
      expect(isDummySignature(text)).toBe(true);
      expect(isDummySignature(btoa(text))).toBe(true);
      expect(isDummySignature(btoa(text).replace(/=+$/, ''))).toBe(true);
    }
  });

  it('refuses near misses and non-strings', () => {
    for (const value of [
      'skip_thought_signature_validator ',
      'SKIP_THOUGHT_SIGNATURE_VALIDATOR',
      'skip_thought_signature',
      '',
      undefined,
      null,
      42,
      ['skip_thought_signature_validator'],
    ]) {
      expect(isDummySignature(value), String(value)).toBe(false);
    }
  });
});
