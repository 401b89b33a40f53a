// How the probe reads what a gateway answered: SSE events and framing, Google's error shape, the
// parts of a candidate. Split from run-probe.ts.

/** What one request got back. @internal */
export type Answer = {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  json: unknown;
  /** A network failure, a bound crossed or a redirect not followed, instead of an answer. */
  failure: string | undefined;
  /**
   * Whether the gateway gave no answer at all: the request timed out or the connection failed (a
   * redirect or a body past `maxAnswerBytes` is an answer).
   */
  unanswered: boolean;
};

/** The `data` of each SSE event, per the SSE spec's line rules (multi-line data joined). */
export function readSseEvents(text: string): string[] {
  const events: string[] = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    const data = block
      .split(/\r\n|\n|\r/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length > 0) events.push(data.join('\n'));
  }
  return events;
}

/** @internal */
export function checkSseFraming(events: readonly string[]): string[] {
  const problems: string[] = [];
  if (events.some((data) => data.trim() === '[DONE]'))
    problems.push('a [DONE] event (OpenAI framing)');
  let openAi = 0;
  let notJson = 0;
  let notGemini = 0;
  for (const data of events) {
    if (data.trim() === '[DONE]') continue;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      notJson++;
      continue;
    }
    if (isObject(value) && ('choices' in value || value['object'] === 'chat.completion.chunk'))
      openAi++;
    else if (
      !isObject(value) ||
      !('candidates' in value || 'usageMetadata' in value || 'promptFeedback' in value)
    )
      notGemini++;
  }
  if (openAi > 0)
    problems.push(`${openAi} OpenAI chat.completion.chunk event(s) instead of Gemini chunks`);
  if (notJson > 0) problems.push(`${notJson} event(s) that are not JSON`);
  if (notGemini > 0)
    problems.push(`${notGemini} event(s) that are not GenerateContentResponse chunks`);
  return problems;
}

/** @internal */
export function googleErrorProblem(answer: Answer): string | undefined {
  if (answer.status === 0) return `no answer: ${answer.failure}`;
  if (answer.status < 400) return `expected an error status, got ${answer.status}`;
  const body = Array.isArray(answer.json) ? answer.json[0] : answer.json;
  if (body === undefined)
    return `${answer.status} with a body that is not JSON: ${JSON.stringify(answer.text.slice(0, 60))}`;
  const error = isObject(body) ? body['error'] : undefined;
  if (!isObject(error))
    return `${answer.status} without an "error" object: ${answer.text.slice(0, 80)}`;
  const missing = [
    typeof error['code'] === 'number' ? undefined : 'code (number)',
    typeof error['message'] === 'string' ? undefined : 'message',
    typeof error['status'] === 'string' ? undefined : 'status (e.g. NOT_FOUND)',
  ].filter((field) => field !== undefined);
  return missing.length === 0
    ? undefined
    : `${answer.status} error body lacks ${missing.join(', ')}: ${answer.text.replace(/\s+/g, ' ').slice(0, 100)}`;
}

/**
 * Whether a body is Google's error object (`{"error": {...}}`, or array-wrapped), with `code`
 * equal to `code` when given: what gemloop reads as an error whatever the HTTP status.
 * @internal
 */
export function isGoogleErrorBody(value: unknown, code?: number): boolean {
  const body = Array.isArray(value) ? value[0] : value;
  if (!isObject(body) || 'candidates' in body) return false;
  const error = body['error'];
  return isObject(error) && (code === undefined || error['code'] === code);
}

/** @internal */
export function googleStatusOf(value: unknown): string {
  const body = Array.isArray(value) ? value[0] : value;
  const error = isObject(body) ? body['error'] : undefined;
  return isObject(error) ? String(error['status']) : '';
}

/** @internal */
export function retryDelayOf(value: unknown): string | undefined {
  const body = Array.isArray(value) ? value[0] : value;
  const error = isObject(body) ? body['error'] : undefined;
  const details = isObject(error) && Array.isArray(error['details']) ? error['details'] : [];
  for (const detail of details) {
    if (isObject(detail) && String(detail['@type']).endsWith('google.rpc.RetryInfo')) {
      return typeof detail['retryDelay'] === 'string' ? detail['retryDelay'] : undefined;
    }
  }
  return undefined;
}

/** @internal */
export function describeAnswer(answer: Answer): string {
  if (answer.status === 0) return `no answer (${answer.failure})`;
  const body = Array.isArray(answer.json) ? answer.json[0] : answer.json;
  const error = isObject(body) ? body['error'] : undefined;
  const message =
    isObject(error) && typeof error['message'] === 'string' ? error['message'] : undefined;
  return `${answer.status}${message === undefined ? '' : ` ${message.slice(0, 120)}`}`;
}

/** @internal */
export function hasCandidates(value: unknown): boolean {
  return isObject(value) && Array.isArray(value['candidates']);
}

/** @internal */
export function firstContent(value: unknown): Record<string, unknown> | undefined {
  const candidate =
    isObject(value) && Array.isArray(value['candidates']) ? value['candidates'][0] : undefined;
  const content = isObject(candidate) ? candidate['content'] : undefined;
  return isObject(content) && Array.isArray(content['parts']) ? content : undefined;
}

/** @internal */
export function functionCallParts(
  content: Record<string, unknown> | undefined,
): Record<string, unknown>[] {
  if (content === undefined) return [];
  return (content['parts'] as unknown[]).filter(
    (part): part is Record<string, unknown> => isObject(part) && isObject(part['functionCall']),
  );
}

/** @internal */
export function hasId(part: Record<string, unknown> | undefined): boolean {
  const id = idOf(part);
  return typeof id === 'string' && id !== '';
}

/** @internal */
export function idOf(part: Record<string, unknown> | undefined): unknown {
  const call = part?.['functionCall'];
  return isObject(call) ? call['id'] : undefined;
}

/** @internal */
export function textOf(content: Record<string, unknown> | undefined): string {
  if (content === undefined) return '';
  return (content['parts'] as unknown[])
    .map((part) =>
      isObject(part) && part['thought'] !== true && typeof part['text'] === 'string'
        ? part['text']
        : '',
    )
    .join('');
}

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
