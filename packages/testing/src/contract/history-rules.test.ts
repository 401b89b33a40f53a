import { type HistoryIssue, validateHistory } from '@gemloop/core/history';
import { afterAll, describe, expect, it } from 'vitest';
import { callFake } from '../__fixtures__/call-fake.ts';
import { answer, call, fake, user } from '../__fixtures__/contract-requests.ts';
import { listFixtures, readFixtureJson } from '../__fixtures__/gemini-fixtures.ts';
import type { FakeGemini } from '../create-fake-gemini.ts';
import { checkFakeHistory, type FakeHistoryRule } from './check-fake-history.ts';

// Each history rule, judged four ways: the client (`validateHistory`, default and strict) and the
// fake (its own `checkFakeHistory`, default and strict). The two are separate implementations on
// purpose (issue 27): this table is where they meet. Every recorded request Google answered 200
// must pass both defaults. Where the client and the fake disagree, the disagreement is listed
// below, so a new one fails this test until someone decides which side is right.

type Verdicts = {
  client: boolean;
  clientStrict: boolean;
  fake: boolean;
  fakeStrict: boolean;
};
/** `true`: refused. */
const REFUSED_BY_ALL: Verdicts = { client: true, clientStrict: true, fake: true, fakeStrict: true };
/** Accepted by default (the API takes it), refused in strict mode (gemloop never sends it). */
const STRICT_ONLY: Verdicts = { client: false, clientStrict: true, fake: false, fakeStrict: true };
const ACCEPTED_BY_ALL: Verdicts = {
  client: false,
  clientStrict: false,
  fake: false,
  fakeStrict: false,
};

type Row = {
  name: string;
  rule: FakeHistoryRule;
  contents: unknown;
  signatures?: boolean;
  refused: Verdicts;
};

const go = user('go');
const model = (...parts: unknown[]) => ({ role: 'model', parts });
const userParts = (...parts: unknown[]) => ({ role: 'user', parts });
const video = { inlineData: { mimeType: 'video/mp4', data: 'AAAAIGZ0eXA=' } };

const rows: Row[] = [
  {
    name: 'contents not a list',
    rule: 'invalid-contents',
    contents: 'hi',
    refused: REFUSED_BY_ALL,
  },
  { name: 'no contents', rule: 'empty-contents', contents: [], refused: REFUSED_BY_ALL },
  {
    name: 'a content that is no object',
    rule: 'invalid-content',
    contents: [42],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'role assistant',
    rule: 'invalid-role',
    contents: [{ role: 'assistant', parts: [{ text: 'x' }] }],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'role unset (the docs: "can be left blank or unset")',
    rule: 'invalid-role',
    contents: [{ parts: [{ text: 'x' }] }],
    refused: ACCEPTED_BY_ALL,
  },
  { name: 'no parts', rule: 'empty-parts', contents: [userParts()], refused: REFUSED_BY_ALL },
  {
    name: 'a part that is no object',
    rule: 'invalid-part',
    contents: [userParts(1)],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a part with no data',
    rule: 'missing-part-data',
    contents: [userParts({})],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'videoMetadata alone after its video (recorded 200)',
    rule: 'missing-part-data',
    contents: [userParts(video, { videoMetadata: { startOffset: '1s' } })],
    refused: STRICT_ONLY,
  },
  {
    // The client warns (onWarning); the fake takes it, as no recording shows a refusal.
    name: 'videoMetadata alone after text (no recording either way)',
    rule: 'missing-part-data',
    contents: [userParts({ text: 'x' }, { videoMetadata: { startOffset: '1s' } })],
    refused: STRICT_ONLY,
  },
  {
    // The last chunk of a Gemini 3 stream as Go's genai SDK writes it back (empty text omitted).
    name: 'a signature alone in a model turn, after the answer text',
    rule: 'missing-part-data',
    contents: [go, model({ text: 'Hi.' }, { thoughtSignature: 'c2ln' }), user('and?')],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'a signature alone with thought: true in a model turn',
    rule: 'missing-part-data',
    contents: [go, model({ thought: true, thought_signature: 'c2ln' }, { text: 'Hi.' })],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'a signature alone in a user turn',
    rule: 'missing-part-data',
    contents: [userParts({ text: 'x' }, { thoughtSignature: 'c2ln' })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'two data fields in one part',
    rule: 'multiple-part-data',
    contents: [userParts({ text: 'a', ...video })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'text that is a number',
    rule: 'invalid-text',
    contents: [userParts({ text: 5 })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a signature that is not base64',
    rule: 'invalid-thought-signature',
    contents: [go, model({ text: 'x', thoughtSignature: 'not base64!' })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a base64url signature (recorded 200)',
    rule: 'invalid-thought-signature',
    contents: [go, model({ text: 'x', thoughtSignature: 'c2ln-_w' })],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'a call without a name',
    rule: 'invalid-function-call',
    contents: [go, model({ functionCall: { args: {} } })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'call args that are a list',
    rule: 'invalid-function-call',
    contents: [go, model({ functionCall: { name: 'a', args: [1] } })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a response without a name',
    rule: 'invalid-function-response',
    contents: [go, model(call('a')), userParts({ functionResponse: { response: {} } })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a response payload that is a list',
    rule: 'function-response-not-object',
    contents: [go, model(call('a')), userParts({ functionResponse: { name: 'a', response: [1] } })],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a call and its response in one content',
    rule: 'function-call-and-response-mixed',
    contents: [go, model(call('a'), answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a call in a user content',
    rule: 'function-call-not-in-model-turn',
    contents: [userParts(call('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a response in a model content',
    rule: 'function-response-not-in-user-turn',
    contents: [go, model(answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a call turn first in the history',
    rule: 'function-call-turn-position',
    contents: [model(call('a')), userParts(answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'two model contents of one call each, one user content of both answers (recorded 200)',
    rule: 'function-call-turn-position',
    contents: [go, model(call('a')), model(call('b')), userParts(answer('a'), answer('b'))],
    refused: STRICT_ONLY,
  },
  {
    name: 'responses with no call before them',
    rule: 'function-response-without-call',
    contents: [go, userParts(answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'one response for two calls',
    rule: 'function-response-count',
    contents: [go, model(call('a'), call('b')), userParts(answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'three calls answered by three user contents (recorded 200)',
    rule: 'function-response-count',
    contents: [
      go,
      model(call('a'), call('b'), call('c')),
      userParts(answer('a')),
      userParts(answer('b')),
      userParts(answer('c')),
    ],
    refused: STRICT_ONLY,
  },
  {
    name: 'a response content, then the user text in its own content (recorded 200)',
    rule: 'function-response-count',
    contents: [go, model(call('a')), userParts(answer('a')), user('thanks')],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'user text where the answers should be',
    rule: 'function-call-without-response',
    contents: [go, model(call('a')), user('never mind')],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a history that ends on its calls (the caller answers next)',
    rule: 'function-call-without-response',
    contents: [go, model(call('a'))],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'a response id that matches no call id',
    rule: 'function-response-id-mismatch',
    contents: [go, model(call('a', { id: '1' })), userParts(answer('a', { id: '2' }))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'two answers with one call id, the other call unanswered',
    rule: 'function-response-id-mismatch',
    contents: [
      go,
      model(call('a', { id: '1' }), call('a', { id: '2' })),
      userParts(answer('a', { id: '1' }), answer('a', { id: '1' })),
    ],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'a response named otherwise than its call (no recording either way)',
    rule: 'function-response-name-mismatch',
    contents: [go, model(call('a')), userParts(answer('b'))],
    refused: STRICT_ONLY,
  },
  {
    name: 'Gemini 3: an unsigned call in the current turn',
    rule: 'missing-thought-signature',
    signatures: true,
    contents: [go, model(call('a')), userParts(answer('a'))],
    refused: REFUSED_BY_ALL,
  },
  {
    name: 'Gemini 3: an unsigned call before the last user text',
    rule: 'missing-thought-signature',
    signatures: true,
    contents: [go, model(call('a')), userParts(answer('a')), model({ text: 'done' }), user('next')],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'Gemini 3: a second parallel call without a signature (recorded 200)',
    rule: 'missing-thought-signature',
    signatures: true,
    contents: [
      go,
      model({ ...call('a'), thoughtSignature: 'c2ln' }, call('b')),
      userParts(answer('a'), answer('b')),
    ],
    refused: ACCEPTED_BY_ALL,
  },
  {
    name: 'Gemini 3: the documented dummy signature',
    rule: 'missing-thought-signature',
    signatures: true,
    contents: [go, model({ ...call('a'), thoughtSignature: 'skip_thought_signature_validator' })],
    refused: ACCEPTED_BY_ALL,
  },
];

/**
 * Where the client and the fake judge one case differently, as `<case>: <judge> refuses`. Empty
 * today: each side refuses the same samples in the same mode. A new entry is a decision (which
 * side is right, by the docs or a recording), not a way to make the test pass.
 */
const EXPECTED_DISAGREEMENTS: string[] = [];

/**
 * The lenient client against the strict fake: the strict-only shapes, which the API takes and
 * gemloop never sends. A test using `strictHistory: true` refuses these where the client's default
 * lets them through.
 */
const EXPECTED_LENIENT_CLIENT_VS_STRICT_FAKE = rows
  .filter((row) => row.refused === STRICT_ONLY)
  .map((row) => row.name);

function judge(contents: unknown, signatures: boolean) {
  const client = (strict: boolean) =>
    validateHistory(contents, { requireThoughtSignatures: signatures, strict });
  const fakeJudge = (strict: boolean) =>
    checkFakeHistory(contents, { requireThoughtSignatures: signatures, strict });
  return {
    client: client(false),
    clientStrict: client(true),
    fake: fakeJudge(false),
    fakeStrict: fakeJudge(true),
  };
}

function codes(issues: readonly (HistoryIssue | { rule: FakeHistoryRule })[]): string[] {
  return issues.map((issue) => ('rule' in issue ? issue.rule : issue.code));
}

describe('the history rules, judged by the client and by the fake', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => {
    const issues = judge(row.contents, row.signatures === true);
    const verdicts = Object.fromEntries(
      Object.entries(issues).map(([judgeName, found]) => [judgeName, found.length > 0]),
    );
    expect(
      verdicts,
      JSON.stringify(Object.fromEntries(Object.entries(issues).map(([k, v]) => [k, codes(v)]))),
    ).toEqual(row.refused);
    // A refusal names the rule of the row (other rules may follow from the same sample).
    for (const [judgeName, found] of Object.entries(issues)) {
      if (found.length > 0) expect(codes(found), judgeName).toContain(row.rule);
    }
  });

  it('disagree only where listed', () => {
    const disagreements: string[] = [];
    const lenientVsStrict: string[] = [];
    for (const row of rows) {
      const issues = judge(row.contents, row.signatures === true);
      const refuses = (found: readonly unknown[]) => found.length > 0;
      if (refuses(issues.client) !== refuses(issues.fake)) {
        disagreements.push(`${row.name}: ${refuses(issues.client) ? 'client' : 'fake'} refuses`);
      }
      if (refuses(issues.clientStrict) !== refuses(issues.fakeStrict)) {
        disagreements.push(
          `${row.name}: ${refuses(issues.clientStrict) ? 'strict client' : 'strict fake'} refuses`,
        );
      }
      if (refuses(issues.client) !== refuses(issues.fakeStrict)) lenientVsStrict.push(row.name);
    }
    expect(disagreements).toEqual(EXPECTED_DISAGREEMENTS);
    expect(lenientVsStrict).toEqual(EXPECTED_LENIENT_CLIENT_VS_STRICT_FAKE);
    expect(lenientVsStrict.length).toBeGreaterThan(0);
  });
});

// --- the requests Google answered 200 ---------------------------------------------------------

const MODELS: Record<string, string> = {
  gemini3: 'gemini-3-flash-preview',
  gemini25: 'gemini-2.5-flash',
  gemini20: 'gemini-2.0-flash',
};
/** The recordings in gemloop's strict shape: the rest are refused by both strict judges. */
const CANONICAL_RECORDINGS = new Set([
  'gemini25-flash__maxOutputTokens-thinking_budget-0.request.json',
  'gemini25-flash__mode-ANY-allowedFunctionNames.request.json',
  'gemini25-flash__unsigned-second-call-accepted.request.json',
  'gemini3-flash__echo-toolCall-toolResponse-plus-functionResponse-id.request.json',
  'gemini3-flash__foreign-history-base64-sentinel-signature.request.json',
  'gemini3-flash__function-response-then-user-text-in-two-contents.request.json',
  'gemini3-flash__multimodal-functionResponse-parts-inline_data.request.json',
  'gemini3-flash__parallel-functionResponses-one-user-turn.request.json',
  'gemini3-flash__snake-case-function_call-with-camel-thoughtSignature.request.json',
]);

const recordings = listFixtures('requests').filter((file) => file.endsWith('.request.json'));
const fakes: FakeGemini[] = [];
afterAll(async () => {
  await Promise.all(fakes.map((each) => each.close()));
});

describe.each(recordings)('the recorded request %s (answered 200 by Google)', (file) => {
  const body = readFixtureJson<{ contents: unknown } & Record<string, unknown>>(`requests/${file}`);
  const model = MODELS[file.split('-flash')[0] as string];
  const signatures = model?.startsWith('gemini-3') === true;

  it('names a model this table knows', () => {
    expect(model, `add the prefix of ${file} to MODELS`).toBeDefined();
  });

  it('passes the client and the fake by default, and both strict judges agree', () => {
    const issues = judge(body.contents, signatures);
    expect(codes(issues.client)).toEqual([]);
    expect(codes(issues.fake)).toEqual([]);
    const canonical = CANONICAL_RECORDINGS.has(file);
    expect(issues.clientStrict.length === 0, codes(issues.clientStrict).join()).toBe(canonical);
    expect(issues.fakeStrict.length === 0, codes(issues.fakeStrict).join()).toBe(canonical);
  });

  it('is answered 200 by the whole fake (tools, generation config and signatures too)', async () => {
    // Google's own signatures: the fake cannot have issued them, so it checks their presence.
    const server = fake({ signatureValidation: 'present' });
    fakes.push(server);
    const result = await callFake(server, body, { model: model ?? 'gemini-2.5-flash' });
    expect(result.status, result.text).toBe(200);
    // Proto3 JSON takes either spelling of a field: the same request with its generationConfig
    // and safetySettings spelled the other way is accepted too.
    const respelled = await callFake(server, respell(body), { model: model ?? 'gemini-2.5-flash' });
    expect(respelled.status, respelled.text).toBe(200);
  });
});

const toSnake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const toCamel = (name: string) =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const otherSpelling = (name: string) => (name.includes('_') ? toCamel(name) : toSnake(name));

/** A body whose generationConfig (and its fields) and safetySettings are spelled the other way. */
function respell(body: Record<string, unknown>): Record<string, unknown> {
  const respelled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'generationConfig' || key === 'generation_config') {
      respelled[otherSpelling(key)] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([field, inner]) => [
          otherSpelling(field),
          inner,
        ]),
      );
    } else if (key === 'safetySettings' || key === 'safety_settings') {
      respelled[otherSpelling(key)] = value;
    } else {
      respelled[key] = value;
    }
  }
  return respelled;
}

// --- the model's own content, echoed back -------------------------------------------------------

type RecordedResponse = { candidates?: { content?: { parts?: unknown[] } }[] };
const contentOf = (file: string) =>
  readFixtureJson<RecordedResponse>(`responses/${file}`).candidates?.[0]?.content;
// Responses with no content to send back (a blocked prompt, an empty SAFETY stop) aside.
const responses = listFixtures('responses').filter(
  (file) => file.endsWith('.json') && (contentOf(file)?.parts?.length ?? 0) > 0,
);

describe.each(responses)("the model's content of the recorded response %s, sent back", (file) => {
  const content = contentOf(file);

  it('passes the client and the fake by default', () => {
    // What the agent appends after the user's question: the model's content, verbatim. A history
    // may end on the model's calls (their answers are what the caller sends next).
    const contents = [user('Question?'), content];
    const signatures = file.startsWith('gemini3');
    const issues = judge(contents, signatures);
    expect(codes(issues.client)).toEqual([]);
    expect(codes(issues.fake)).toEqual([]);
  });
});
