import { InvalidArgumentError } from '@gemloop/core/errors';
import { createGemini } from '@gemloop/core/http';
import { afterAll, describe, expect, it } from 'vitest';
import { callFake, errorMessage } from '../__fixtures__/call-fake.ts';
import { fake, user } from '../__fixtures__/contract-requests.ts';

// Each generationConfig and safetySettings rule, judged by the client (`createGemini`, which
// checks a request before sending it: InvalidArgumentError, nothing sent) and by the fake (the
// body as JSON on the wire: a 400 like the API's). The client is lenient on purpose: fields it
// does not know pass, so a field Google adds needs no gemloop release; the fake refuses what the
// real API refuses. Where the two differ, the row says so, and the lists below fail on a new
// difference until someone decides which side is right.

/** `true`: refused. */
type Verdicts = { client: boolean; fake: boolean };
const REFUSED_BY_BOTH: Verdicts = { client: true, fake: true };
const ACCEPTED_BY_BOTH: Verdicts = { client: false, fake: false };
/** The API refuses it; the client lets it through (it does not know the field or the range). */
const FAKE_ONLY: Verdicts = { client: false, fake: true };
/** JSON cannot carry it (NaN becomes null, which the API reads as unset): the client refuses. */
const CLIENT_ONLY: Verdicts = { client: true, fake: false };

type Row = {
  name: string;
  /** The request's fields beside `contents`. */
  fields: Record<string, unknown>;
  model?: string;
  refused: Verdicts;
  /** The fake's error message, for a row the fake refuses. */
  message?: string;
};

const MODEL = 'gemini-3-flash-preview';
const range = (field: string, value: number, stated: string) =>
  `Unable to submit request because it has a ${field} value of ${value} but the supported range is ${stated}. Update the value and try again.`;
const config = (generationConfig: Record<string, unknown>) => ({ generationConfig });
const safety = (...safetySettings: unknown[]) => ({ safetySettings });

// Every documented field (see check-config-fields.ts for the sources), with values the other
// rules take: one response schema, its MIME type, a thinking level Gemini 3 Flash takes.
const DOCUMENTED: Record<string, unknown> = {
  candidateCount: 1,
  stopSequences: ['END'],
  maxOutputTokens: 1024,
  temperature: 1,
  topP: 0.95,
  topK: 40,
  seed: 7,
  responseMimeType: 'application/json',
  responseJsonSchema: { type: 'object' },
  presencePenalty: 0.5,
  frequencyPenalty: 0.5,
  responseLogprobs: true,
  logprobs: 3,
  enableEnhancedCivicAnswers: false,
  responseModalities: ['TEXT'],
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
  thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true },
  imageConfig: { aspectRatio: '16:9' },
  mediaResolution: 'MEDIA_RESOLUTION_LOW',
  audioTranscriptionConfig: {},
  translationConfig: {},
  responseFormat: [],
  routingConfig: { autoMode: {} },
  audioTimestamp: false,
  modelConfig: {},
  modelSelectionConfig: {},
  enableAffectiveDialog: false,
};
const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const DOCUMENTED_SNAKE = Object.fromEntries(
  Object.entries(DOCUMENTED).map(([key, value]) => [snakeCase(key), value]),
);

const rows: Row[] = [
  {
    name: 'a typo in generationConfig (temprature)',
    fields: config({ temprature: 0.5 }),
    refused: FAKE_ONLY,
    message: `Invalid JSON payload received. Unknown name "temprature" at 'generation_config': Cannot find field.`,
  },
  {
    name: 'two unknown fields, both reported',
    fields: config({ maxTokens: 5, top_q: 1 }),
    refused: FAKE_ONLY,
    message:
      `Invalid JSON payload received. Unknown name "maxTokens" at 'generation_config': Cannot find field.\n` +
      `Invalid JSON payload received. Unknown name "top_q" at 'generation_config': Cannot find field.`,
  },
  {
    name: 'every documented generationConfig field, camelCase',
    fields: config(DOCUMENTED),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'every documented generationConfig field, snake_case (proto3 JSON takes both)',
    fields: { generation_config: DOCUMENTED_SNAKE },
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'responseJsonSchema by its proto names and json_name (_responseJsonSchema)',
    fields: config({
      responseMimeType: 'application/json',
      _responseJsonSchema: { type: 'object' },
    }),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'maxOutputTokens -1',
    fields: config({ maxOutputTokens: -1 }),
    refused: FAKE_ONLY,
    message: range('maxOutputTokens', -1, 'from 1 (inclusive) to 65537 (exclusive)'),
  },
  {
    name: 'max_output_tokens -5 (snake_case)',
    fields: config({ max_output_tokens: -5 }),
    refused: FAKE_ONLY,
    message: range('maxOutputTokens', -5, 'from 1 (inclusive) to 65537 (exclusive)'),
  },
  {
    name: "maxOutputTokens above the model's output limit (recorded wording)",
    fields: config({ maxOutputTokens: 70_000 }),
    refused: FAKE_ONLY,
    message: range('maxOutputTokens', 70_000, 'from 1 (inclusive) to 65537 (exclusive)'),
  },
  {
    name: "maxOutputTokens at the model's output limit",
    fields: config({ maxOutputTokens: 65_536 }),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'maxOutputTokens 0 (no recording either way)',
    fields: config({ maxOutputTokens: 0 }),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'candidateCount -1',
    fields: config({ candidateCount: -1 }),
    refused: FAKE_ONLY,
    message: range('candidateCount', -1, 'from 1 (inclusive)'),
  },
  {
    name: 'temperature above 2',
    fields: config({ temperature: 2.5 }),
    refused: FAKE_ONLY,
    message: range('temperature', 2.5, 'from 0 (inclusive) to 2 (inclusive)'),
  },
  {
    name: 'temperature below 0',
    fields: config({ temperature: -0.1 }),
    refused: FAKE_ONLY,
    message: range('temperature', -0.1, 'from 0 (inclusive) to 2 (inclusive)'),
  },
  {
    name: 'temperature 0 and topP 1, the ends of their ranges',
    fields: config({ temperature: 0, topP: 1 }),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'temperature 2 and topP 0, the other ends',
    fields: config({ temperature: 2, top_p: 0 }),
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'topP above 1',
    fields: config({ topP: 1.5 }),
    refused: FAKE_ONLY,
    message: range('topP', 1.5, 'from 0 (inclusive) to 1 (inclusive)'),
  },
  {
    name: 'temperature NaN (JSON sends null)',
    fields: config({ temperature: Number.NaN }),
    refused: CLIENT_ONLY,
  },
  {
    name: 'generationConfig not an object',
    fields: { generationConfig: 'hot' },
    refused: REFUSED_BY_BOTH,
    message: `Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig), "hot"`,
  },
  {
    name: 'a safety category that is not a HarmCategory name',
    fields: safety({ category: 'HARM_CATEGORY_HARASMENT', threshold: 'BLOCK_NONE' }),
    refused: FAKE_ONLY,
    message: `Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_HARASMENT"`,
  },
  {
    name: 'an image category on the Gemini API (recorded refusal)',
    fields: safety(
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' },
      { category: 'HARM_CATEGORY_IMAGE_HATE', threshold: 'OFF' },
    ),
    refused: FAKE_ONLY,
    message: `Invalid value at 'safety_settings[1].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_IMAGE_HATE"`,
  },
  {
    name: 'a threshold that is not a HarmBlockThreshold name',
    fields: safety({ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_SOME' }),
    refused: FAKE_ONLY,
    message: `Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting.HarmBlockThreshold), "BLOCK_SOME"`,
  },
  {
    name: 'a legacy category that parses but no Gemini model takes (recorded refusal)',
    fields: safety({ category: 'HARM_CATEGORY_DANGEROUS', threshold: 'BLOCK_NONE' }),
    refused: FAKE_ONLY,
    message:
      '* GenerateContentRequest.safety_settings[0]: element predicate failed: $.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH, HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT, HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, HarmCategory.HARM_CATEGORY_HARASSMENT, HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY)\n',
  },
  {
    name: 'an unknown key in a safety setting',
    fields: safety({ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF', level: 2 }),
    refused: FAKE_ONLY,
    message: `Invalid JSON payload received. Unknown name "level" at 'safety_settings[0]': Cannot find field.`,
  },
  {
    name: 'safety settings by name, in lower case, by number, and snake_case',
    fields: {
      safety_settings: [
        { category: 'HARM_CATEGORY_CIVIC_INTEGRITY', threshold: 'BLOCK_ONLY_HIGH' },
        { category: 'harm_category_harassment', threshold: 'block_none' },
        { category: 8, threshold: 4 },
        { category: 'HARM_CATEGORY_JAILBREAK', threshold: 'OFF', method: 'SEVERITY' },
      ],
    },
    refused: ACCEPTED_BY_BOTH,
  },
  {
    name: 'safetySettings not a list',
    fields: { safetySettings: { category: 'HARM_CATEGORY_HARASSMENT' } },
    refused: { client: true, fake: false },
  },
];

/**
 * The rows the fake refuses and the client sends: what the API refuses and the client, by design,
 * does not check. A new entry is a decision (by the docs or a recording), not a way to pass.
 */
const EXPECTED_FAKE_ONLY = rows.filter((row) => row.refused === FAKE_ONLY).map((row) => row.name);
/** The rows the client refuses and the fake takes: shapes JSON cannot carry or the client guards. */
const EXPECTED_CLIENT_ONLY = [
  'temperature NaN (JSON sends null)',
  // The API's answer to an object here is not recorded; the fake leaves shapes to the client.
  'safetySettings not a list',
];

const server = fake();
afterAll(() => server.close());
const client = createGemini({ apiKey: 'test-key', fetch: server.fetch, retry: false });

async function judge(row: Row): Promise<{ verdicts: Verdicts; message: string | undefined }> {
  const model = row.model ?? MODEL;
  const clientRefused = await client
    .generateContent({ model, contents: [user('go')], ...row.fields } as never)
    .then(
      () => false,
      (error: unknown) => InvalidArgumentError.isInstance(error),
    );
  const answer = await callFake(server, { contents: [user('go')], ...row.fields }, { model });
  if (answer.status !== 200 && answer.status !== 400) throw new Error(answer.text);
  return {
    verdicts: { client: clientRefused, fake: answer.status === 400 },
    message: errorMessage(answer.json),
  };
}

describe('the generationConfig and safetySettings rules, judged by the client and by the fake', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_, row) => {
    const { verdicts, message } = await judge(row);
    expect(verdicts, message).toEqual(row.refused);
    if (row.message !== undefined) expect(message).toBe(row.message);
  });

  it('answers with the status and details of the API', async () => {
    const typo = await callFake(server, { contents: [user('go')], ...config({ temprature: 1 }) });
    expect(typo.json).toEqual({
      error: {
        code: 400,
        message: `Invalid JSON payload received. Unknown name "temprature" at 'generation_config': Cannot find field.`,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [
              {
                field: 'generation_config',
                description: `Invalid JSON payload received. Unknown name "temprature" at 'generation_config': Cannot find field.`,
              },
            ],
          },
        ],
      },
    });
    const negative = await callFake(server, {
      contents: [user('go')],
      ...config({ maxOutputTokens: -1 }),
    });
    expect(negative.json).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('takes the image categories on Vertex AI, where HarmCategory has them', async () => {
    const vertex = fake({ accessTokens: ['token'] });
    try {
      const response = await vertex.fetch(
        'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
        {
          method: 'POST',
          headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
          body: JSON.stringify({
            contents: [user('go')],
            ...safety({ category: 'HARM_CATEGORY_IMAGE_HATE', threshold: 'OFF' }),
          }),
        },
      );
      expect(response.status, await response.clone().text()).toBe(200);
    } finally {
      await vertex.close();
    }
  });

  it('disagree only where listed', async () => {
    const fakeOnly: string[] = [];
    const clientOnly: string[] = [];
    for (const row of rows) {
      const { verdicts } = await judge(row);
      if (verdicts.fake && !verdicts.client) fakeOnly.push(row.name);
      if (verdicts.client && !verdicts.fake) clientOnly.push(row.name);
    }
    expect(fakeOnly).toEqual(EXPECTED_FAKE_ONLY);
    expect(clientOnly).toEqual(EXPECTED_CLIENT_ONLY);
  });
});
