import { getModelCapabilities } from '@gemloop/core/models';
import {
  carriesContent,
  finishReasonsOf,
  foreignFinishReasons,
  hasGrounding,
  isGeminiChunk,
  PROBE_RESPONSE_SCHEMA,
  schemaProblem,
  streamChunksOf,
  usageProblem,
} from './check-probe-effects.ts';
import { checkProbeOptions } from './check-probe-options.ts';
import { createProbeSanitizer } from './create-probe-sanitizer.ts';
import type {
  ProbeAuth,
  ProbePropertyId,
  ProbeRecord,
  ProbeReport,
  RunProbeOptions,
} from './probe-types.ts';
import {
  PROBE_ADVICE_VARIANTS,
  PROBE_TITLES,
  PROBE_WORKAROUNDS,
  type ProbeAdviceVariant,
} from './probe-workarounds.ts';
import {
  type Answer,
  checkSseFraming,
  describeAnswer,
  firstContent,
  functionCallParts,
  googleErrorProblem,
  googleStatusOf,
  hasCandidates,
  hasId,
  idOf,
  isGoogleErrorBody,
  isObject,
  readSseEvents,
  retryDelayOf,
  textOf,
} from './read-probe-answer.ts';
import { sendProbeRequest } from './send-probe-request.ts';

/**
 * The text of the probe's rate-limit request. A server that answers it with 429 has its error
 * checked for RetryInfo; tests make the fake Gemini answer 429 to it with a fault rule.
 */
export const PROBE_RATE_LIMIT_TEXT = 'gemloop probe: rate-limit check. Reply with OK.';

const MISSING_MODEL = 'gemloop-probe-no-such-model';

/**
 * The probe's system instruction: a real model obeys it whatever the user asks, so an answer
 * without the word shows the instruction never reached the model.
 */
const SYSTEM_WORD = 'PINEAPPLE';
const SYSTEM_INSTRUCTION = `Whatever the user says, reply with exactly the word ${SYSTEM_WORD} and nothing else.`;

const weatherTool = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Current weather for a city.',
      parametersJsonSchema: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      },
    },
  ],
};
const forceCalls = { functionCallingConfig: { mode: 'ANY' } };

/**
 * Checks a gateway that serves Gemini's native REST API (CometAPI and others) against the
 * properties gemloop relies on, with a fixed set of small real requests (about a dozen, a few
 * tokens each), and returns one record per property with what gemloop works around and what it
 * cannot. Raw `fetch`, not the gemloop client: the client's own workarounds would hide the
 * gateway's mistakes.
 *
 * @example
 * ```ts
 * const report = await runProbe({ baseUrl: 'https://api.cometapi.com', apiKey });
 * for (const record of report.records) console.log(record.status, record.title, record.detail);
 * ```
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for a bad option.
 */
export async function runProbe(options: RunProbeOptions): Promise<ProbeReport> {
  const sanitizer = createProbeSanitizer({ apiKey: options?.apiKey, baseUrl: options?.baseUrl });
  const checked = checkProbeOptions(options, sanitizer.sanitize);
  const { model, preferred } = checked;
  const capabilities = getModelCapabilities(model);
  const records: ProbeRecord[] = [];
  const record = (
    id: ProbePropertyId,
    status: ProbeRecord['status'],
    detail: string,
    variant?: ProbeAdviceVariant,
  ): void => {
    const advice = variant === undefined ? PROBE_WORKAROUNDS[id] : PROBE_ADVICE_VARIANTS[variant];
    records.push({
      id,
      title: PROBE_TITLES[id],
      status,
      detail,
      workaround: status === 'fail' ? advice : undefined,
    });
  };
  const send = (
    method: string,
    body: unknown,
    auth: ProbeAuth,
    query = '',
    modelName = model,
  ): Promise<Answer> =>
    sendProbeRequest(
      checked,
      sanitizer.redact,
      `models/${modelName}:${method}${query}`,
      body,
      auth,
    );
  const ask = (text: string, extra: Record<string, unknown> = {}) => ({
    contents: [{ role: 'user', parts: [{ text }] }],
    ...extra,
  });
  // Every answer with candidates, for the finish-reason line.
  const answered: unknown[] = [];
  const keep = (answer: Answer): Answer => {
    if (hasCandidates(answer.json)) answered.push(answer.json);
    return answer;
  };

  // 1-2. Both auth headers, each on a plain generateContent. A thinking model is asked for its
  // thought summaries, so the usage line can see whether thinking is counted as thinking.
  const plainRequest = ask('Reply with the word OK.', {
    ...(capabilities.thinking === 'none'
      ? {}
      : { generationConfig: { thinkingConfig: { includeThoughts: true } } }),
  });
  const byAuth = new Map<ProbeAuth, Answer>();
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    const answer = keep(await send('generateContent', plainRequest, auth));
    byAuth.set(auth, answer);
    const ok = answer.status === 200 && hasCandidates(answer.json);
    record(
      auth === 'bearer' ? 'auth-bearer' : 'auth-x-goog-api-key',
      ok ? 'pass' : 'fail',
      ok
        ? 'accepted'
        : answer.status === 0
          ? describeAnswer(answer)
          : `refused: ${describeAnswer(answer)}`,
    );
  }
  const accepted = (auth: ProbeAuth): boolean => byAuth.get(auth)?.status === 200;
  const other: ProbeAuth = preferred === 'bearer' ? 'x-goog-api-key' : 'bearer';
  const auth = accepted(preferred) || !accepted(other) ? preferred : other;

  // 3-5. alt=sse, the framing of the events, and whether they came as a stream at all. Long
  // enough an answer that the API sends it in several chunks.
  const stream = await send(
    'streamGenerateContent',
    ask('Count from 1 to 40, one number per line.'),
    auth,
    '?alt=sse',
  );
  const { form, chunks } = streamChunksOf(stream);
  answered.push(...chunks.filter(hasCandidates));
  if (stream.status !== 200) {
    record('alt-sse', 'fail', `the stream request failed: ${describeAnswer(stream)}`);
  } else if (form === 'sse') {
    record('alt-sse', 'pass', `${chunks.length} SSE event(s)`);
  } else if (form === 'json-array') {
    record(
      'alt-sse',
      'fail',
      `answered the JSON-array stream (${stream.contentType || 'no content-type'}) instead of SSE`,
      'alt-sse/json-array',
    );
  } else {
    record(
      'alt-sse',
      'fail',
      `answered ${stream.contentType || 'no content-type'}, body starts ${JSON.stringify(stream.text.slice(0, 40))}`,
    );
  }
  if (form !== 'sse') {
    record('sse-framing', 'skip', 'no SSE stream to check (see alt-sse)');
  } else {
    const problems = checkSseFraming(readSseEvents(stream.text));
    record(
      'sse-framing',
      problems.length === 0 ? 'pass' : 'fail',
      problems.length === 0 ? 'every event is a Gemini response chunk' : problems.join('; '),
    );
  }
  // Gemini chunks only: a trailing [DONE] or an OpenAI chunk does not make a buffered answer a
  // stream (sse-framing reports those).
  const geminiChunks = chunks.filter(isGeminiChunk).length;
  if (form === undefined) {
    record('stream-chunks', 'skip', 'no stream to count (see alt-sse)');
  } else if (!chunks.some(carriesContent)) {
    record('stream-chunks', 'skip', 'no chunk of the stream carried content (see sse-framing)');
  } else {
    record(
      'stream-chunks',
      geminiChunks >= 2 ? 'pass' : 'fail',
      geminiChunks >= 2
        ? `${geminiChunks} chunks`
        : 'the whole answer came as 1 chunk: the gateway buffers the stream',
    );
  }

  // 6-7. One function call: its id, its signature, and the signature sent back.
  const single = keep(
    await send(
      'generateContent',
      ask('What is the weather in Paris? Use the get_weather tool.', {
        tools: [weatherTool],
        toolConfig: forceCalls,
      }),
      auth,
    ),
  );
  const content = firstContent(single.json);
  const calls = functionCallParts(content);
  if (calls.length === 0) {
    record('function-call-ids', 'fail', `no function call came back: ${describeAnswer(single)}`);
  } else if (calls.every((part) => hasId(part))) {
    record('function-call-ids', 'pass', `id ${JSON.stringify(idOf(calls[0]))}`);
  } else if (!capabilities.requiresThoughtSignatures) {
    record('function-call-ids', 'skip', `${model} does not give call ids (Gemini 3 does)`);
  } else {
    record('function-call-ids', 'fail', 'a Gemini 3 function call came back without its id');
  }
  if (!capabilities.requiresThoughtSignatures) {
    record(
      'thought-signature-round-trip',
      'skip',
      `${model} is not a Gemini 3 model; run with --model gemini-3-flash-preview`,
    );
  } else if (content === undefined || calls.length === 0) {
    record(
      'thought-signature-round-trip',
      'skip',
      'no function call to send back (see function-call-ids)',
    );
  } else {
    const signed = typeof calls[0]?.['thoughtSignature'] === 'string';
    const movedToText = (content['parts'] as unknown[]).some(
      (part) => isObject(part) && typeof part['text'] === 'string' && 'thoughtSignature' in part,
    );
    const back = keep(
      await send(
        'generateContent',
        {
          contents: [
            ask('What is the weather in Paris? Use the get_weather tool.').contents[0],
            content,
            {
              role: 'user',
              parts: calls.map((part) => ({
                functionResponse: {
                  name: (part['functionCall'] as { name?: string }).name ?? 'get_weather',
                  ...(hasId(part) ? { id: idOf(part) } : {}),
                  response: { city: 'Paris', forecast: 'sunny' },
                },
              })),
            },
          ],
          tools: [weatherTool],
        },
        auth,
      ),
    );
    if (!signed) {
      const problems = [
        movedToText
          ? 'the call part has no thoughtSignature: it was moved onto a text part'
          : 'the call part has no thoughtSignature',
      ];
      if (back.status !== 200)
        problems.push(`echoing the turn back failed: ${describeAnswer(back)}`);
      record('thought-signature-round-trip', 'fail', problems.join('; '));
    } else if (back.status !== 200) {
      record(
        'thought-signature-round-trip',
        'fail',
        `the call came back signed, but sending the signed turn back failed: ${describeAnswer(back)}`,
        back.status === 400 ? 'thought-signature-round-trip/refused-on-return' : undefined,
      );
    } else {
      record('thought-signature-round-trip', 'pass', 'signed call accepted back');
    }
  }

  // 8. Parallel calls.
  const parallel = keep(
    await send(
      'generateContent',
      ask('Get the weather in Paris and in Oslo: call get_weather for both cities at once.', {
        tools: [weatherTool],
        toolConfig: forceCalls,
      }),
      auth,
    ),
  );
  const parallelCalls = functionCallParts(firstContent(parallel.json));
  const ids = parallelCalls.filter(hasId).map(idOf);
  if (parallel.status !== 200) {
    record('parallel-calls', 'fail', describeAnswer(parallel));
  } else if (parallelCalls.length < 2) {
    record('parallel-calls', 'fail', `${parallelCalls.length} call(s) in the turn, expected 2`);
  } else if (new Set(ids).size !== ids.length) {
    record('parallel-calls', 'fail', `two calls share an id: ${ids.join(', ')}`);
  } else {
    record('parallel-calls', 'pass', `${parallelCalls.length} calls in one turn`);
  }

  // 9. Search beside functions (Gemini 3), checked by its grounding: a 200 alone does not show
  // the search ran.
  if (!capabilities.combinesBuiltinAndFunctionTools) {
    record('search-with-functions', 'skip', `${model} cannot combine built-in tools and functions`);
  } else {
    const search = keep(
      await send(
        'generateContent',
        ask(
          'Search the web: who won the most recent Nobel Prize in Literature? Answer in one sentence.',
          {
            tools: [{ googleSearch: {} }, weatherTool],
            toolConfig: { includeServerSideToolInvocations: true },
          },
        ),
        auth,
      ),
    );
    if (search.status !== 200) {
      record('search-with-functions', 'fail', describeAnswer(search));
    } else if (hasGrounding(search.json)) {
      record('search-with-functions', 'pass', 'accepted, answer grounded');
    } else {
      const instead = functionCallParts(firstContent(search.json)).length > 0;
      record(
        'search-with-functions',
        'fail',
        `200 without groundingMetadata (${instead ? 'the model called get_weather instead' : 'no search queries, no sources'}): Google Search was stripped from the request, or the grounding from the answer`,
        'search-with-functions/no-grounding',
      );
    }
  }

  // 10. responseJsonSchema, checked by an answer that only the schema produces.
  const json = keep(
    await send(
      'generateContent',
      ask('Name a city in France.', {
        generationConfig: {
          responseMimeType: 'application/json',
          responseJsonSchema: PROBE_RESPONSE_SCHEMA,
        },
      }),
      auth,
    ),
  );
  const jsonText = textOf(firstContent(json.json));
  const jsonProblem = schemaProblem(jsonText);
  if (json.status !== 200) record('json-schema', 'fail', describeAnswer(json));
  else if (jsonProblem !== undefined)
    record(
      'json-schema',
      'fail',
      `${jsonProblem}: ${JSON.stringify(jsonText.slice(0, 60))} (the schema was not applied)`,
    );
  else record('json-schema', 'pass', jsonText.slice(0, 60));

  // 11. systemInstruction, checked by an answer that only the instruction produces.
  const instructed = keep(
    await send(
      'generateContent',
      ask('What is the capital of France?', {
        systemInstruction: { parts: [{ text: SYSTEM_INSTRUCTION }] },
      }),
      auth,
    ),
  );
  const instructedText = textOf(firstContent(instructed.json));
  if (instructed.status !== 200) record('system-instruction', 'fail', describeAnswer(instructed));
  else if (instructedText.toUpperCase().includes(SYSTEM_WORD))
    record('system-instruction', 'pass', `obeyed (${JSON.stringify(instructedText.slice(0, 20))})`);
  else
    record(
      'system-instruction',
      'fail',
      `the answer ignores the instruction to reply ${SYSTEM_WORD}: ${JSON.stringify(instructedText.slice(0, 40))}`,
    );

  // 12. Usage, from the first accepted plain call.
  const plain = byAuth.get(auth);
  const usage = plain?.status === 200 ? usageProblem(plain.json) : undefined;
  if (plain?.status !== 200) {
    record('usage-fields', 'skip', 'no accepted call to read usage from (see the auth lines)');
  } else if (usage === undefined) {
    const counts = isObject(plain.json) ? plain.json['usageMetadata'] : undefined;
    const read = (name: string) => (isObject(counts) ? counts[name] : undefined);
    record(
      'usage-fields',
      'pass',
      `prompt ${read('promptTokenCount')}, output ${read('candidatesTokenCount') ?? 0}, thoughts ${read('thoughtsTokenCount') ?? 0}, total ${read('totalTokenCount')}`,
    );
  } else {
    record(
      'usage-fields',
      'fail',
      usage.detail,
      usage.kind === 'thoughts-folded' ? 'usage-fields/thoughts-folded' : undefined,
    );
  }

  // 13. The error body of an unknown model.
  const missing = await send('generateContent', ask('Hi'), auth, '', MISSING_MODEL);
  if (missing.status > 0 && missing.status < 400 && isGoogleErrorBody(missing.json)) {
    record(
      'error-body',
      'fail',
      `the error came with HTTP ${missing.status} (${googleStatusOf(missing.json)} in the body)`,
      'error-body/status-200',
    );
  } else {
    const errorShape = googleErrorProblem(missing);
    record(
      'error-body',
      errorShape === undefined ? 'pass' : 'fail',
      errorShape === undefined ? `${missing.status} ${googleStatusOf(missing.json)}` : errorShape,
    );
  }

  // 14. RetryInfo, when the server answers 429 (or a 429 error object with another status).
  const limited = await send('generateContent', ask(PROBE_RATE_LIMIT_TEXT), auth);
  const limitedInBody = limited.status !== 429 && isGoogleErrorBody(limited.json, 429);
  if (limited.status !== 429 && !limitedInBody) {
    record(
      'retry-info',
      'skip',
      `the server did not answer 429 (got ${limited.status || limited.failure}); RetryInfo not checked`,
    );
  } else if (!limitedInBody && googleErrorProblem(limited) !== undefined) {
    record('retry-info', 'skip', 'the 429 body is not a Google error body (see error-body)');
  } else {
    const delay = retryDelayOf(limited.json);
    const retryAfter = limited.headers.get('retry-after');
    const where = limitedInBody
      ? ` (a 429 error in a ${limited.status} body; gemloop reads it)`
      : '';
    if (delay !== undefined) record('retry-info', 'pass', `retryDelay ${delay}${where}`);
    else if (retryAfter !== null)
      record(
        'retry-info',
        'pass',
        `no RetryInfo, but Retry-After: ${retryAfter} (gemloop honours it)`,
      );
    else record('retry-info', 'fail', 'the 429 has no RetryInfo detail and no Retry-After header');
  }

  // The finish reasons of every answer above, the stream's chunks included.
  const reasons = finishReasonsOf(answered);
  const foreign = foreignFinishReasons(reasons);
  if (reasons.length === 0) {
    record('finish-reasons', 'skip', 'no answer carried a finishReason');
  } else if (foreign.length > 0) {
    record(
      'finish-reasons',
      'fail',
      `${foreign.map((reason) => JSON.stringify(reason)).join(', ')} instead of Gemini's names (STOP, MAX_TOKENS, ...)`,
    );
  } else {
    record('finish-reasons', 'pass', [...new Set(reasons)].join(', '));
  }

  // The one gate between what the gateway sent and what is printed: text and --json alike.
  const clean = sanitizer.sanitize;
  const order = Object.keys(PROBE_TITLES);
  return {
    baseUrl: clean(checked.baseUrl),
    model: clean(model),
    auth,
    records: records
      .sort((left, right) => order.indexOf(left.id) - order.indexOf(right.id))
      .map((entry) => ({
        ...entry,
        title: clean(entry.title),
        detail: clean(entry.detail),
        workaround: entry.workaround === undefined ? undefined : clean(entry.workaround),
      })),
    ok: records.every((entry) => entry.status !== 'fail'),
  };
}
