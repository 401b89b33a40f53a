import { getModelCapabilities } from '@gemloop/core/models';
import {
  finishReasonsOf,
  foreignFinishReasons,
  hasGrounding,
  PROBE_RESPONSE_SCHEMA,
  schemaProblem,
  usageProblem,
} from './check-probe-effects.ts';
import { checkProbeOptions } from './check-probe-options.ts';
import { createProbeSanitizer } from './create-probe-sanitizer.ts';
import { probeErrors } from './probe-errors.ts';
import type { ProbeSteps } from './probe-steps.ts';
import { probeStream } from './probe-stream.ts';
import type {
  ProbeAuth,
  ProbePropertyId,
  ProbeRecord,
  ProbeReport,
  RunProbeOptions,
} from './probe-types.ts';
import { PROBE_ADVICE_VARIANTS, PROBE_TITLES, PROBE_WORKAROUNDS } from './probe-workarounds.ts';
import { createFieldNameReader } from './read-field-names.ts';
import {
  type Answer,
  describeAnswer,
  firstContent,
  functionCallParts,
  hasCandidates,
  hasId,
  idOf,
  isGoogleErrorBody,
  isObject,
  textOf,
} from './read-probe-answer.ts';
import { sendProbeRequest } from './send-probe-request.ts';

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
  const checked = checkProbeOptions(options, sanitizer);
  const { model, preferred } = checked;
  const capabilities = getModelCapabilities(model);
  const records: ProbeRecord[] = [];
  // The one gate between what the gateway sent and what is printed: text, --json and progress.
  const clean = (entry: ProbeRecord): ProbeRecord => ({
    ...entry,
    title: sanitizer.sanitize(entry.title),
    detail: sanitizer.sanitize(entry.detail),
    workaround: entry.workaround === undefined ? undefined : sanitizer.sanitize(entry.workaround),
  });
  const record: ProbeSteps['record'] = (id, status, detail, variant) => {
    const advice = variant === undefined ? PROBE_WORKAROUNDS[id] : PROBE_ADVICE_VARIANTS[variant];
    const entry = clean({
      id,
      title: PROBE_TITLES[id],
      status,
      detail,
      workaround: status === 'fail' || status === 'warn' ? advice : undefined,
    });
    records.push(entry);
    checked.onRecord?.(entry);
  };
  // A snake_case answer is read as gemloop reads it, so the lines below judge what the loop sees.
  const fieldNames = createFieldNameReader();
  const send: ProbeSteps['send'] = async (method, body, auth, query = '', modelName = model) => {
    const answer = await sendProbeRequest(
      checked,
      sanitizer.redact,
      `models/${modelName}:${method}${query}`,
      body,
      auth,
    );
    const json = Array.isArray(answer.json)
      ? answer.json.map(fieldNames.read)
      : fieldNames.read(answer.json);
    return { ...answer, json };
  };
  const ask: ProbeSteps['ask'] = (text, extra = {}) => ({
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
    const id = auth === 'bearer' ? 'auth-bearer' : 'auth-x-goog-api-key';
    if (ok) record(id, 'pass', 'accepted');
    else if (answer.status === 0) record(id, 'fail', describeAnswer(answer));
    else if (answer.status === 200 && !isGoogleErrorBody(answer.json)) {
      // Neither an answer nor an error: a web page or another API, not a refusal of the header.
      const type = answer.contentType.split(';')[0]?.trim() || 'no content-type';
      record(
        id,
        'fail',
        `answered a 200 that is not a Gemini answer (${type}), body starts ${JSON.stringify(answer.text.slice(0, 60))}`,
        'auth/not-gemini',
      );
    } else record(id, 'fail', `refused: ${describeAnswer(answer)}`);
  }
  const accepted = (auth: ProbeAuth): boolean => byAuth.get(auth)?.status === 200;
  const other: ProbeAuth = preferred === 'bearer' ? 'x-goog-api-key' : 'bearer';
  const auth = accepted(preferred) || !accepted(other) ? preferred : other;
  const order = Object.keys(PROBE_TITLES) as ProbePropertyId[];
  const report = (): ProbeReport => ({
    baseUrl: sanitizer.sanitize(checked.baseUrl),
    model: sanitizer.sanitize(model),
    auth,
    records: records.sort((left, right) => order.indexOf(left.id) - order.indexOf(right.id)),
    ok: records.every((entry) => entry.status !== 'fail'),
  });

  // A gateway that answered neither auth request (timed out, connection refused) would cost a
  // full timeout for each of the ten requests left: the auth lines already say what went wrong.
  if ([...byAuth.values()].every((answer) => answer.unanswered)) {
    for (const id of order) {
      if (id.startsWith('auth-') || id.startsWith('interactions-')) continue;
      record(
        id,
        'skip',
        'not sent: the gateway did not answer the auth requests (see the auth lines)',
      );
    }
    return report();
  }

  // 3-5. alt=sse, the framing of the events, and whether they came as a stream at all.
  answered.push(...(await probeStream({ send, record, ask }, auth)).map(fieldNames.read));

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

  // 13-14. The error body of an unknown model, and RetryInfo.
  await probeErrors({ send, record, ask }, auth);

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

  // Last: every answer above (the stream's chunks included) has been read by then.
  const snake = fieldNames.seen();
  if (snake.length > 0) {
    record(
      'field-names',
      'warn',
      `answers in snake_case field names (${snake.join(', ')}) instead of the API's camelCase; the lines above read them renamed, as gemloop does`,
    );
  } else if (answered.length === 0) {
    record('field-names', 'skip', 'no answer to read field names from');
  } else {
    record('field-names', 'pass', 'camelCase (usageMetadata, finishReason, ...)');
  }

  return report();
}
