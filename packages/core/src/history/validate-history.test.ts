import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureJson } from '../__fixtures__/recorded-gemini.ts';
import type { HistoryIssue } from './history-issue.ts';
import { validateHistory } from './validate-history.ts';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const call = (name: string, extra: Record<string, unknown> = {}) => ({
  functionCall: { name, args: {}, ...extra },
});
const response = (name: string, extra: Record<string, unknown> = {}) => ({
  functionResponse: { name, response: { output: 1 }, ...extra },
});
const codes = (contents: unknown, requireThoughtSignatures = false) =>
  validateHistory(contents, { requireThoughtSignatures }).map((issue) => issue.code);
const strictCodes = (contents: unknown) =>
  validateHistory(contents, { strict: true }).map((issue) => issue.code);
/** The issues and the warnings of the default (lenient) check, as codes. */
const lenient = (contents: unknown) => {
  const warnings: string[] = [];
  const issues = validateHistory(contents, { onWarning: (issue) => warnings.push(issue.code) });
  return { issues: issues.map((issue) => issue.code), warnings };
};

describe('validateHistory', () => {
  it.each(listFixtures('requests'))(
    'accepts the recorded request %s that the API answered 200',
    (file) => {
      const body = readFixtureJson<{ contents: unknown }>(`requests/${file}`);
      expect(
        validateHistory(body.contents, { requireThoughtSignatures: file.startsWith('gemini3') }),
      ).toEqual([]);
    },
  );

  it('never throws on garbage and reports what the list is', () => {
    for (const garbage of [
      undefined,
      null,
      42,
      'hello',
      {},
      [null],
      [[]],
      [42],
      [{ parts: 'x' }],
    ]) {
      expect(() => validateHistory(garbage)).not.toThrow();
      expect(validateHistory(garbage).length).toBeGreaterThan(0);
    }
    expect(codes('hello')).toEqual(['invalid-contents']);
    expect(codes([])).toEqual(['empty-contents']);
    expect(codes([null, 'x'])).toEqual(['invalid-content', 'invalid-content']);
    expect(codes([{ parts: 'x' }])).toEqual(['invalid-part']);
  });

  it('survives cyclic and deeply odd values without throwing', () => {
    const cyclic: Record<string, unknown> = { role: 'user' };
    cyclic['parts'] = [cyclic];
    expect(codes([cyclic])).toEqual(['missing-part-data']);
    const proto = Object.create({ text: 'inherited' });
    expect(() => validateHistory([{ role: 'user', parts: [proto] }])).not.toThrow();
  });

  it('rejects roles other than user and model, and treats a missing role as user', () => {
    const issues = validateHistory([{ role: 'function', parts: [{ text: 'x' }] }]);
    expect(issues).toMatchObject([{ code: 'invalid-role', contentIndex: 0 }]);
    expect(issues[0]?.message).toContain("only 'user' and 'model'");
    expect(codes([{ parts: [{ text: 'no role' }] }])).toEqual([]);
    expect(codes([{ role: 'assistant', parts: [{ text: 'x' }] }])).toEqual(['invalid-role']);
  });

  it('accepts a part holding only videoMetadata after the video part, as the API did', () => {
    const video = { inlineData: { mimeType: 'video/mp4', data: 'AAAA' } };
    const clip = { videoMetadata: { startOffset: '2s', endOffset: '10s' } };
    const history = (...parts: unknown[]) => [{ role: 'user', parts }];
    expect(lenient(history({ text: 'Explain' }, video, clip))).toEqual({
      issues: [],
      warnings: [],
    });
    expect(
      lenient(history({ file_data: { file_uri: 'gs://b/v.mp4' } }, { video_metadata: {} })),
    ).toEqual({ issues: [], warnings: [] });
    // Anywhere else it is doubtful (no recording): a warning, not an issue.
    expect(lenient(history({ text: 'Explain' }, clip))).toEqual({
      issues: [],
      warnings: ['missing-part-data'],
    });
    // Only videoMetadata: with another field it is a part without data as before.
    expect(codes(history(video, { ...clip, thought: true }))).toEqual(['missing-part-data']);
    expect(strictCodes(history(video, clip))).toEqual(['missing-part-data']);
  });

  it('accepts a model part holding only a thoughtSignature, as a Go client sends a Gemini 3 stream back', () => {
    // go-genai omits the empty text of the stream's last chunk: `{thoughtSignature}` alone.
    const answered = [
      user('Hi'),
      { role: 'model', parts: [{ text: 'Hello.' }, { thoughtSignature: 'c2lnbmVk' }] },
      user('Again'),
    ];
    expect(lenient(answered)).toEqual({ issues: [], warnings: [] });
    expect(strictCodes(answered)).toEqual([]);
    const thought = [
      user('Hi'),
      {
        role: 'model',
        parts: [{ thought: true, thought_signature: 'c2lnbmVk' }, { text: 'Hello.' }],
      },
    ];
    expect(codes(thought)).toEqual([]);
    expect(strictCodes(thought)).toEqual([]);
    // Still a part without data: no signature at all, an empty one, or another field beside it.
    const model = (part: unknown) => [user('Hi'), { role: 'model', parts: [part] }];
    expect(codes(model({ thought: true }))).toEqual(['missing-part-data']);
    expect(codes(model({ thoughtSignature: '' }))).toEqual(['missing-part-data']);
    expect(codes(model({ thoughtSignature: 'c2ln', partMetadata: {} }))).toEqual([
      'missing-part-data',
    ]);
    // A bad signature alone is named for what it is.
    expect(codes(model({ thoughtSignature: 'not base64!' }))).toEqual([
      'invalid-thought-signature',
    ]);
  });

  it('rejects empty parts and parts without data, but accepts an empty text part', () => {
    expect(codes([{ role: 'user', parts: [] }])).toEqual(['empty-parts']);
    expect(codes([{ role: 'user' }])).toEqual(['empty-parts']);
    expect(codes([{ role: 'user', parts: [{}] }])).toEqual(['missing-part-data']);
    expect(codes([{ role: 'user', parts: [{ thoughtSignature: 'abcd' }] }])).toEqual([
      'missing-part-data',
    ]);
    expect(codes([{ role: 'user', parts: [{ text: '' }] }])).toEqual([]);
    expect(codes([{ role: 'user', parts: [{ text: 'a', inlineData: {} }] }])).toEqual([
      'multiple-part-data',
    ]);
  });

  it('checks function call and response payload shapes', () => {
    const history = (callPart: unknown, responsePart: unknown) => [
      user('go'),
      { role: 'model', parts: [callPart] },
      { role: 'user', parts: [responsePart] },
    ];
    expect(codes(history({ functionCall: { args: {} } }, response('f')))).toContain(
      'invalid-function-call',
    );
    expect(codes(history({ functionCall: { name: 'f', args: [1] } }, response('f')))).toEqual([
      'invalid-function-call',
    ]);
    expect(
      codes(history(call('f'), { functionResponse: { name: 'f', response: [1, 2] } })),
    ).toEqual(['function-response-not-object']);
    expect(codes(history(call('f'), { functionResponse: { name: 'f', response: 'ok' } }))).toEqual([
      'function-response-not-object',
    ]);
    expect(codes(history(call('f'), { functionResponse: { response: {} } }))).toContain(
      'invalid-function-response',
    );
    const [issue] = validateHistory(
      history(call('f'), { functionResponse: { name: 'f', response: [1] } }),
    );
    expect(issue).toMatchObject({ contentIndex: 2, partIndex: 0 });
    expect(issue?.message).toContain('{ output: value }');
  });

  it('requires one response per call in the next user content', () => {
    const calls = { role: 'model', parts: [call('a'), call('b')] };
    expect(codes([user('go'), calls, { role: 'user', parts: [response('a')] }])).toEqual([
      'function-response-count',
    ]);
    expect(
      codes([user('go'), calls, { role: 'user', parts: [response('a'), response('b')] }]),
    ).toEqual([]);
    // Responses split over two user contents: the API reads consecutive user contents as one
    // turn (crewAI's recording, answered 200); the strict shape wants them in one content.
    const split = [
      user('go'),
      calls,
      { role: 'user', parts: [response('a')] },
      { role: 'user', parts: [response('b')] },
    ];
    expect(codes(split)).toEqual([]);
    expect(strictCodes(split)).toEqual([
      'function-response-count',
      'function-response-without-call',
    ]);
    // The count is of the whole run of user contents: one too many or too few is still refused.
    expect(codes([...split, { role: 'user', parts: [response('b')] }])).toEqual([
      'function-response-count',
    ]);
    expect(codes([...split.slice(0, 3), user('and?')])).toEqual(['function-response-count']);
  });

  it('reads consecutive model contents of calls as one call turn, as the API does', () => {
    const twoCallContents = [
      user('go'),
      { role: 'model', parts: [call('a', { id: 'x1' })] },
      { role: 'model', parts: [call('b', { id: 'x2' })] },
    ];
    const answered = [
      ...twoCallContents,
      { role: 'user', parts: [response('a', { id: 'x1' }), response('b', { id: 'x2' })] },
    ];
    expect(codes(answered)).toEqual([]);
    expect(strictCodes(answered)).toEqual([
      'function-call-without-response',
      'function-call-turn-position',
      'function-response-count',
    ]);
    // Still one response per call of the whole turn, ids matched across its contents.
    const [count] = validateHistory([
      ...twoCallContents,
      { role: 'user', parts: [response('b', { id: 'x2' })] },
    ]);
    expect(count).toMatchObject({ code: 'function-response-count', contentIndex: 3 });
    expect(count?.message).toContain('the 2 call(s) of contents[1..2] (a, b)');
    expect(
      codes([
        ...twoCallContents,
        { role: 'user', parts: [response('a', { id: 'x1' }), response('b', { id: 'x9' })] },
      ]),
    ).toEqual(['function-response-id-mismatch']);
    // Unanswered calls followed by user text are refused however many model contents hold them.
    expect(codes([...twoCallContents, user('never mind')])).toEqual([
      'function-call-without-response',
    ]);
    // A trailing run of call contents is the model's last word.
    expect(codes(twoCallContents)).toEqual([]);
  });

  it('allows an unanswered call turn only as the last content', () => {
    const calls = { role: 'model', parts: [call('a')] };
    expect(codes([user('go'), calls])).toEqual([]);
    expect(codes([user('go'), calls, user('never mind')])).toEqual([
      'function-call-without-response',
    ]);
    // A model text after the calls joins their turn (still the last one) in the lenient check.
    const textAfter = [user('go'), calls, { role: 'model', parts: [{ text: 'x' }] }];
    expect(codes(textAfter)).toEqual([]);
    expect(strictCodes(textAfter)).toEqual(['function-call-without-response']);
  });

  it('rejects calls and responses in the wrong role or mixed in one content', () => {
    expect(codes([user('go'), { role: 'model', parts: [call('a'), response('a')] }])).toEqual([
      'function-call-and-response-mixed',
    ]);
    expect(codes([{ role: 'user', parts: [call('a')] }])).toContain(
      'function-call-not-in-model-turn',
    );
    const responseInModel = [
      user('go'),
      { role: 'model', parts: [call('a')] },
      { role: 'model', parts: [response('a')] },
    ];
    expect(codes(responseInModel)).toEqual(['function-response-not-in-user-turn']);
    expect(strictCodes(responseInModel)).toEqual([
      'function-call-without-response',
      'function-response-not-in-user-turn',
    ]);
    expect(codes([user('go'), { role: 'user', parts: [response('a')] }])).toEqual([
      'function-response-without-call',
    ]);
  });

  it('rejects a call turn that starts the history or follows a model turn', () => {
    expect(
      codes([
        { role: 'model', parts: [call('a')] },
        { role: 'user', parts: [response('a')] },
      ]),
    ).toEqual(['function-call-turn-position']);
    expect(
      codes([
        { role: 'model', parts: [{ text: 'thinking' }] },
        { role: 'model', parts: [call('a')] },
        { role: 'user', parts: [response('a')] },
      ]),
    ).toEqual(['function-call-turn-position']);
    // After a model text the calls are the same model turn: only the strict shape refuses it.
    const afterText = [
      user('go'),
      { role: 'model', parts: [{ text: 'thinking' }] },
      { role: 'model', parts: [call('a')] },
      { role: 'user', parts: [response('a')] },
    ];
    expect(codes(afterText)).toEqual([]);
    expect(strictCodes(afterText)).toEqual(['function-call-turn-position']);
  });

  it('matches responses to calls by id when the calls have ids, in any order', () => {
    const calls = { role: 'model', parts: [call('a', { id: 'x1' }), call('b', { id: 'x2' })] };
    const answer = (...parts: unknown[]) => [user('go'), calls, { role: 'user', parts }];
    expect(codes(answer(response('b', { id: 'x2' }), response('a', { id: 'x1' })))).toEqual([]);
    expect(codes(answer(response('a', { id: 'x1' }), response('b', { id: 'zz' })))).toEqual([
      'function-response-id-mismatch',
    ]);
    expect(codes(answer(response('a', { id: 'x1' }), response('b')))).toEqual([
      'function-response-id-mismatch',
    ]);
    // A name that differs: no recording shows the API refusing it, so a warning by default.
    const renamed = answer(response('a', { id: 'x1' }), response('c', { id: 'x2' }));
    expect(lenient(renamed)).toEqual({
      issues: [],
      warnings: ['function-response-name-mismatch'],
    });
    expect(strictCodes(renamed)).toEqual(['function-response-name-mismatch']);
  });

  it('matches responses by name when the calls have no ids', () => {
    const calls = { role: 'model', parts: [call('a'), call('b')] };
    const answer = (...parts: unknown[]) => [user('go'), calls, { role: 'user', parts }];
    expect(codes(answer(response('b'), response('a')))).toEqual([]);
    expect(lenient(answer(response('a'), response('c')))).toEqual({
      issues: [],
      warnings: ['function-response-name-mismatch'],
    });
    expect(strictCodes(answer(response('a'), response('c')))).toEqual([
      'function-response-name-mismatch',
    ]);
    // Answered over three user contents (crewAI's recorded shape), in any order, by name.
    const three = [
      user('go'),
      { role: 'model', parts: [call('a'), call('b'), call('c')] },
      { role: 'user', parts: [response('c')] },
      { role: 'user', parts: [response('a')] },
      { role: 'user', parts: [response('b')] },
    ];
    expect(lenient(three)).toEqual({ issues: [], warnings: [] });
    const misnamed = structuredClone(three);
    misnamed[4] = { role: 'user', parts: [response('z')] };
    const warnings: HistoryIssue[] = [];
    expect(validateHistory(misnamed, { onWarning: (issue) => warnings.push(issue) })).toEqual([]);
    expect(warnings).toMatchObject([
      { code: 'function-response-name-mismatch', contentIndex: 4, partIndex: 0 },
    ]);
    expect(warnings[0]?.message).toContain('contents[4].parts[0].functionResponse.name is "z"');
    // A response id where the call had none is accepted (gemini-cli sends these).
    expect(codes(answer(response('a', { id: 'mine' }), response('b')))).toEqual([]);
  });

  it('reports unsigned first calls of the active loop only when asked', () => {
    const history = [
      user('first question'),
      { role: 'model', parts: [call('old')] },
      { role: 'user', parts: [response('old')] },
      { role: 'model', parts: [{ text: 'answer' }] },
      user('second question'),
      { role: 'model', parts: [call('a'), call('b')] },
      { role: 'user', parts: [response('a'), response('b')] },
      { role: 'model', parts: [{ text: 'let me check', thoughtSignature: 'c2ln' }, call('c')] },
      { role: 'user', parts: [response('c')] },
    ];
    expect(codes(history)).toEqual([]);
    const issues = validateHistory(history, { requireThoughtSignatures: true });
    expect(
      issues.map(({ code, contentIndex, partIndex }) => ({ code, contentIndex, partIndex })),
    ).toEqual([
      { code: 'missing-thought-signature', contentIndex: 5, partIndex: 0 },
      { code: 'missing-thought-signature', contentIndex: 7, partIndex: 1 },
    ]);
    expect(issues[0]?.message).toContain('skip_thought_signature_validator');
  });

  it('accepts the documented bypass signature and rejects non-base64 signatures', () => {
    const history = (signature: unknown) => [
      user('go'),
      { role: 'model', parts: [{ ...call('a'), thoughtSignature: signature }] },
      { role: 'user', parts: [response('a')] },
    ];
    expect(codes(history('skip_thought_signature_validator'), true)).toEqual([]);
    expect(codes(history('not base64!'), true)).toEqual(['invalid-thought-signature']);
    expect(codes(history(42), true)).toEqual(['invalid-thought-signature']);
  });

  it('reads snake_case histories like camelCase ones', () => {
    const snake = [
      user('go'),
      {
        role: 'model',
        parts: [
          { function_call: { name: 'a', args: {}, id: 'i1' }, thought_signature: 'c2ln' },
          { function_call: { name: 'b', args: {}, id: 'i2' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { function_response: { name: 'a', response: {}, id: 'i1' } },
          { function_response: { name: 'b', response: {}, id: 'i2' } },
        ],
      },
    ];
    expect(validateHistory(snake, { requireThoughtSignatures: true })).toEqual([]);
    const broken = structuredClone(snake);
    broken[2]!.parts!.pop();
    expect(codes(broken, true)).toEqual(['function-response-count']);
    const unsigned = structuredClone(snake) as typeof snake;
    delete (unsigned[1]!.parts![0] as Record<string, unknown>)['thought_signature'];
    expect(codes(unsigned, true)).toEqual(['missing-thought-signature']);
    expect(
      codes([user('go'), { role: 'model', parts: [{ text: 'x', function_call: { name: 'a' } }] }]),
    ).toEqual(['multiple-part-data']);
  });

  it('writes messages that name the field and the fix', () => {
    const [issue] = validateHistory([
      user('go'),
      { role: 'model', parts: [call('a'), call('b')] },
      { role: 'user', parts: [response('a')] },
    ]);
    expect(issue?.message).toBe(
      'contents[2] has 1 functionResponse part(s) for the 2 call(s) of contents[1] (a, b). ' +
        'Send exactly one response per call, in the user content(s) right after the calls.',
    );
    const [strict] = validateHistory(
      [
        user('go'),
        { role: 'model', parts: [call('a'), call('b')] },
        { role: 'user', parts: [response('a')] },
      ],
      { strict: true },
    );
    expect(strict?.message).toBe(
      'contents[2] has 1 functionResponse part(s) for the 2 call(s) of contents[1] (a, b). ' +
        'Send exactly one response per call, all in this content, in call order.',
    );
  });
});
