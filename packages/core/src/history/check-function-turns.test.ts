import { describe, expect, it } from 'vitest';
import { exchangeStart } from './check-function-exchanges.ts';
import { checkFunctionTurns } from './check-function-turns.ts';
import type { HistoryIssue } from './history-issue.ts';
import type { FunctionPartSummary, TurnSummary } from './turn-summary.ts';

// The pairing rules over turn summaries (one per content): what validateHistory runs after it has
// read the parts. Lenient reads runs of one role as one turn, as the API does; strict wants one
// content each side.

const part = (name: string | undefined, id?: string, partIndex = 0): FunctionPartSummary => ({
  partIndex,
  id,
  name,
});
const text = (role: 'user' | 'model'): TurnSummary => ({ role, calls: [], responses: [] });
const calls = (...parts: FunctionPartSummary[]): TurnSummary => ({
  role: 'model',
  calls: parts,
  responses: [],
});
const answers = (...parts: FunctionPartSummary[]): TurnSummary => ({
  role: 'user',
  calls: [],
  responses: parts,
});

function check(turns: TurnSummary[], options: { strict?: boolean; from?: number } = {}) {
  const issues: HistoryIssue[] = [];
  const warnings: HistoryIssue[] = [];
  checkFunctionTurns(turns, issues, options.from ?? 0, {
    strict: options.strict,
    onWarning: (issue) => warnings.push(issue),
  });
  return { issues, warnings, codes: issues.map((issue) => issue.code) };
}

describe('checkFunctionTurns, lenient', () => {
  it('accepts calls spread over model contents answered by responses spread over user contents', () => {
    const turns = [
      text('user'),
      calls(part('a')),
      calls(part('b')),
      answers(part('b')),
      answers(part('a')),
      text('model'),
    ];
    expect(check(turns).issues).toEqual([]);
  });

  it('counts the responses of the whole user run against the calls of the whole model run', () => {
    const { issues } = check([
      text('user'),
      calls(part('a'), part('b')),
      answers(part('a')),
      text('user'),
    ]);
    // A text-only user content right after the responses is part of the same user run.
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'function-response-count', contentIndex: 2 });
    expect(issues[0]?.message).toContain(
      'contents[2] has 1 functionResponse part(s) for the 2 call(s) of contents[1] (a, b)',
    );
  });

  it('names a range of contents when the calls span several', () => {
    const { issues } = check([
      text('user'),
      calls(part('a')),
      calls(part('b')),
      answers(part('a')),
    ]);
    expect(issues[0]?.message).toContain('call(s) of contents[1..2] (a, b)');
  });

  it('says what follows does not answer the calls, when a model text comes next', () => {
    const { issues } = check([text('user'), calls(part('lookup')), text('user'), text('model')]);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'function-call-without-response', contentIndex: 1 }),
    ]);
    expect(issues[0]?.message).toContain(
      'contents[1] has 1 function call(s) (lookup) but contents[2] does not answer them',
    );
  });

  it('allows a call run as the last word of the history (the caller answers next)', () => {
    expect(check([text('user'), calls(part('a')), calls(part('b'))]).issues).toEqual([]);
  });

  it('refuses calls at the very start, and responses that follow no calls', () => {
    expect(check([calls(part('a')), answers(part('a'))]).codes).toEqual([
      'function-call-turn-position',
    ]);
    expect(check([text('user'), text('model'), answers(part('a'))]).codes).toEqual([
      'function-response-without-call',
    ]);
  });

  it('matches by id across runs, and names the id that matches nothing', () => {
    const ok = check([
      text('user'),
      calls(part('a', '1')),
      calls(part('a', '2')),
      answers(part('a', '2'), part('a', '1')),
    ]);
    expect(ok.issues).toEqual([]);
    const bad = check([
      text('user'),
      calls(part('a', '1'), part('a', '2')),
      answers(part('a', '1', 0), part('a', '3', 1)),
    ]);
    expect(bad.codes).toEqual(['function-response-id-mismatch']);
    expect(bad.issues[0]).toMatchObject({ contentIndex: 2, partIndex: 1 });
    expect(bad.issues[0]?.message).toContain(
      '.id is "3", which matches no unanswered call of contents[1] (ids "2")',
    );
  });

  it('does not let two responses answer one call id', () => {
    const { codes } = check([
      text('user'),
      calls(part('a', '1'), part('b', '2')),
      answers(part('a', '1'), part('a', '1', 1)),
    ]);
    expect(codes).toEqual(['function-response-id-mismatch']);
  });

  it('warns, without refusing, when a response renames the call it answers', () => {
    const byId = check([text('user'), calls(part('a', '1')), answers(part('b', '1'))]);
    expect(byId.issues).toEqual([]);
    expect(byId.warnings.map((warning) => warning.code)).toEqual([
      'function-response-name-mismatch',
    ]);
    const byName = check([
      text('user'),
      calls(part('a'), part('b')),
      answers(part('b'), part('c')),
    ]);
    expect(byName.issues).toEqual([]);
    expect(byName.warnings[0]?.message).toContain('.name is "c" but the call it answers is a');
  });

  it('accepts responses by name in any order when the calls have no ids', () => {
    expect(
      check([
        text('user'),
        calls(part('a'), part('b'), part('a')),
        answers(part('a'), part('a'), part('b')),
      ]).issues,
    ).toEqual([]);
  });

  it('reports calls and responses mixed in one content, and each in the wrong role', () => {
    const mixed: TurnSummary = { role: 'model', calls: [part('a')], responses: [part('a')] };
    expect(check([text('user'), mixed]).codes).toEqual(['function-call-and-response-mixed']);
    const userCalls: TurnSummary = {
      role: 'user',
      calls: [part('a', undefined, 2)],
      responses: [],
    };
    expect(check([userCalls]).issues[0]).toMatchObject({
      code: 'function-call-not-in-model-turn',
      partIndex: 2,
    });
    const modelAnswers: TurnSummary = { role: 'model', calls: [], responses: [part('a')] };
    expect(check([text('user'), modelAnswers]).codes).toContain(
      'function-response-not-in-user-turn',
    );
  });

  it('stops a run at an invalid content instead of pairing across it', () => {
    const invalid: TurnSummary = { role: 'invalid', calls: [], responses: [] };
    const { codes } = check([text('user'), calls(part('a')), invalid, answers(part('a'))]);
    expect(codes).toContain('function-call-without-response');
  });
});

describe('checkFunctionTurns, strict', () => {
  it('wants the responses in the one content right after the calls', () => {
    expect(
      check([text('user'), calls(part('a')), answers(part('a'))], { strict: true }).issues,
    ).toEqual([]);
    const split = check(
      [text('user'), calls(part('a'), part('b')), answers(part('a')), answers(part('b'))],
      { strict: true },
    );
    expect(split.codes).toEqual(['function-response-count', 'function-response-without-call']);
  });

  it('refuses a call turn after another model content, and names the fix', () => {
    const { issues } = check([text('user'), text('model'), calls(part('a')), answers(part('a'))], {
      strict: true,
    });
    expect(issues[0]?.code).toBe('function-call-turn-position');
    expect(issues[0]?.message).toContain(
      'right after another model content; merge the two model contents',
    );
  });

  it('makes a renamed response an issue rather than a warning', () => {
    const { codes, warnings } = check(
      [text('user'), calls(part('a', '1')), answers(part('b', '1'))],
      { strict: true },
    );
    expect(codes).toEqual(['function-response-name-mismatch']);
    expect(warnings).toEqual([]);
  });

  it('says the calls are unanswered when text follows them', () => {
    expect(check([text('user'), calls(part('a')), text('user')], { strict: true }).codes).toEqual([
      'function-call-without-response',
    ]);
  });
});

describe('checking from a content on', () => {
  it('checks again the whole exchange the starting content belongs to', () => {
    const turns = [text('user'), calls(part('a')), calls(part('b')), answers(part('a'))];
    // From the answer on: the call run before it is read again, so the count is still wrong.
    expect(check(turns, { from: 3 }).codes).toEqual(['function-response-count']);
    expect(exchangeStart(turns, 3)).toBe(1);
  });

  it('goes back no further than a role change that starts an exchange, nor past the start', () => {
    const turns = [text('user'), text('model'), text('user'), calls(part('a'))];
    expect(exchangeStart(turns, 3)).toBe(3);
    expect(exchangeStart([text('user'), text('user')], 1)).toBe(0);
    expect(exchangeStart([text('user')], 5)).toBe(0);
  });
});
