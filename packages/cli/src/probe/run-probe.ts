import { getModelCapabilities } from '@gemloop/core/models';
import { checkProbeOptions } from './check-probe-options.ts';
import { createProbeSanitizer } from './create-probe-sanitizer.ts';
import type {
  ProbeAuth,
  ProbePropertyId,
  ProbeRecord,
  ProbeReport,
  RunProbeOptions,
} from './probe-types.ts';
import { PROBE_TITLES, PROBE_WORKAROUNDS } from './probe-workarounds.ts';
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
  isJsonObjectText,
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
  const record = (id: ProbePropertyId, status: ProbeRecord['status'], detail: string): void => {
    records.push({
      id,
      title: PROBE_TITLES[id],
      status,
      detail,
      workaround: status === 'fail' ? PROBE_WORKAROUNDS[id] : undefined,
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

  // 1-2. Both auth headers, each on a plain generateContent.
  const byAuth = new Map<ProbeAuth, Answer>();
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    const answer = await send('generateContent', ask('Reply with the word OK.'), auth);
    byAuth.set(auth, answer);
    const ok = answer.status === 200 && hasCandidates(answer.json);
    record(
      auth === 'bearer' ? 'auth-bearer' : 'auth-x-goog-api-key',
      ok ? 'pass' : 'fail',
      ok ? 'accepted' : `refused: ${describeAnswer(answer)}`,
    );
  }
  const accepted = (auth: ProbeAuth): boolean => byAuth.get(auth)?.status === 200;
  const other: ProbeAuth = preferred === 'bearer' ? 'x-goog-api-key' : 'bearer';
  const auth = accepted(preferred) || !accepted(other) ? preferred : other;

  // 3-4. alt=sse, and the framing of the events.
  const stream = await send('streamGenerateContent', ask('Count from 1 to 5.'), auth, '?alt=sse');
  const events = stream.status === 200 ? readSseEvents(stream.text) : [];
  const isSse = stream.contentType.startsWith('text/event-stream') && events.length > 0;
  if (stream.status !== 200) {
    record('alt-sse', 'fail', `the stream request failed: ${describeAnswer(stream)}`);
  } else {
    record(
      'alt-sse',
      isSse ? 'pass' : 'fail',
      isSse
        ? `${events.length} SSE event(s)`
        : `answered ${stream.contentType || 'no content-type'}, body starts ${JSON.stringify(stream.text.slice(0, 40))}`,
    );
  }
  if (!isSse) {
    record('sse-framing', 'skip', 'no SSE stream to check (see alt-sse)');
  } else {
    const problems = checkSseFraming(events);
    record(
      'sse-framing',
      problems.length === 0 ? 'pass' : 'fail',
      problems.length === 0 ? 'every event is a Gemini response chunk' : problems.join('; '),
    );
  }

  // 5-6. One function call: its id, its signature, and the signature sent back.
  const single = await send(
    'generateContent',
    ask('What is the weather in Paris? Use the get_weather tool.', {
      tools: [weatherTool],
      toolConfig: forceCalls,
    }),
    auth,
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
    const back = await send(
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
    );
    const problems: string[] = [];
    if (!signed) {
      problems.push(
        movedToText
          ? 'the call part has no thoughtSignature: it was moved onto a text part'
          : 'the call part has no thoughtSignature',
      );
    }
    if (back.status !== 200) problems.push(`echoing the turn back failed: ${describeAnswer(back)}`);
    record(
      'thought-signature-round-trip',
      problems.length === 0 ? 'pass' : 'fail',
      problems.length === 0 ? 'signed call accepted back' : problems.join('; '),
    );
  }

  // 7. Parallel calls.
  const parallel = await send(
    'generateContent',
    ask('Get the weather in Paris and in Oslo: call get_weather for both cities at once.', {
      tools: [weatherTool],
      toolConfig: forceCalls,
    }),
    auth,
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

  // 8. Search beside functions (Gemini 3).
  if (!capabilities.combinesBuiltinAndFunctionTools) {
    record('search-with-functions', 'skip', `${model} cannot combine built-in tools and functions`);
  } else {
    const search = await send(
      'generateContent',
      ask('Search the web for the weather in Paris, or call get_weather.', {
        tools: [{ googleSearch: {} }, weatherTool],
        toolConfig: { includeServerSideToolInvocations: true },
      }),
      auth,
    );
    record(
      'search-with-functions',
      search.status === 200 ? 'pass' : 'fail',
      search.status === 200 ? 'accepted' : describeAnswer(search),
    );
  }

  // 9. JSON mode with responseJsonSchema.
  const json = await send(
    'generateContent',
    ask('Name a city in France.', {
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    }),
    auth,
  );
  const jsonText = textOf(firstContent(json.json));
  if (json.status !== 200) record('json-schema', 'fail', describeAnswer(json));
  else if (!isJsonObjectText(jsonText))
    record(
      'json-schema',
      'fail',
      `the answer is not a JSON object: ${JSON.stringify(jsonText.slice(0, 60))}`,
    );
  else record('json-schema', 'pass', jsonText.slice(0, 60));

  // 10. Usage, from the first accepted plain call.
  const plain = byAuth.get(auth);
  const usage = isObject(plain?.json) ? plain.json['usageMetadata'] : undefined;
  if (plain?.status !== 200) {
    record('usage-fields', 'skip', 'no accepted call to read usage from (see the auth lines)');
  } else if (
    isObject(usage) &&
    typeof usage['promptTokenCount'] === 'number' &&
    typeof usage['totalTokenCount'] === 'number'
  ) {
    record(
      'usage-fields',
      'pass',
      `prompt ${usage['promptTokenCount']}, total ${usage['totalTokenCount']}`,
    );
  } else {
    record('usage-fields', 'fail', `usageMetadata is ${JSON.stringify(usage) ?? 'missing'}`);
  }

  // 11. The error body of an unknown model.
  const missing = await send('generateContent', ask('Hi'), auth, '', MISSING_MODEL);
  const errorShape = googleErrorProblem(missing);
  record(
    'error-body',
    errorShape === undefined ? 'pass' : 'fail',
    errorShape === undefined ? `${missing.status} ${googleStatusOf(missing.json)}` : errorShape,
  );

  // 12. RetryInfo, when the server answers 429.
  const limited = await send('generateContent', ask(PROBE_RATE_LIMIT_TEXT), auth);
  if (limited.status !== 429) {
    record(
      'retry-info',
      'skip',
      `the server did not answer 429 (got ${limited.status || limited.failure}); RetryInfo not checked`,
    );
  } else if (googleErrorProblem(limited) !== undefined) {
    record('retry-info', 'skip', 'the 429 body is not a Google error body (see error-body)');
  } else {
    const delay = retryDelayOf(limited.json);
    const retryAfter = limited.headers.get('retry-after');
    if (delay !== undefined) record('retry-info', 'pass', `retryDelay ${delay}`);
    else if (retryAfter !== null)
      record(
        'retry-info',
        'pass',
        `no RetryInfo, but Retry-After: ${retryAfter} (gemloop honours it)`,
      );
    else record('retry-info', 'fail', 'the 429 has no RetryInfo detail and no Retry-After header');
  }

  // The one gate between what the gateway sent and what is printed: text and --json alike.
  const clean = sanitizer.sanitize;
  return {
    baseUrl: clean(checked.baseUrl),
    model: clean(model),
    auth,
    records: records.map((entry) => ({
      ...entry,
      title: clean(entry.title),
      detail: clean(entry.detail),
      workaround: entry.workaround === undefined ? undefined : clean(entry.workaround),
    })),
    ok: records.every((entry) => entry.status !== 'fail'),
  };
}
