import { checkProbeOptions } from './check-probe-options.ts';
import { createProbeSanitizer } from './create-probe-sanitizer.ts';
import type { ProbeRecord, ProbeReport, ProbeStatus, RunProbeOptions } from './probe-types.ts';
import { PROBE_TITLES, PROBE_WORKAROUNDS } from './probe-workarounds.ts';
import { describeAnswer, isObject, readSseEvents } from './read-probe-answer.ts';
import { sendProbeRequest } from './send-probe-request.ts';

/**
 * `gemloop probe --api interactions`: whether an endpoint serves Google's Interactions API
 * (`/v1beta/interactions`) as gemloop's Interactions client and `api: interactionsApi()` use it,
 * with three small real requests: a create (an answer with an `id` and a `steps` array), a second
 * create continuing it with `previous_interaction_id`, and a streamed create (SSE events with
 * `event_type` and `event_id`, which resumption needs). Shapes from `@google/genai` 3.1.0.
 * Bounded and redacted as {@link runProbe} is.
 * @throws {@link @gemloop/core!InvalidArgumentError | InvalidArgumentError} for a bad option.
 */
export async function runInteractionsProbe(options: RunProbeOptions): Promise<ProbeReport> {
  const sanitizer = createProbeSanitizer({ apiKey: options?.apiKey, baseUrl: options?.baseUrl });
  const checked = checkProbeOptions(options, sanitizer);
  const { model, preferred: auth } = checked;
  const records: ProbeRecord[] = [];
  // The one gate between what the endpoint sent and what is printed, as in runProbe.
  const clean = sanitizer.sanitize;
  const record = (id: ProbeRecord['id'], status: ProbeStatus, detail: string): void => {
    const workaround = status === 'fail' ? PROBE_WORKAROUNDS[id] : undefined;
    const entry: ProbeRecord = {
      id,
      title: PROBE_TITLES[id],
      status,
      detail: clean(detail),
      workaround: workaround === undefined ? undefined : clean(workaround),
    };
    records.push(entry);
    checked.onRecord?.(entry);
  };
  const send = (path: string, body: unknown) =>
    sendProbeRequest(checked, sanitizer.redact, path, body, auth);

  const first = await send('interactions', { model, input: 'Reply with the word OK.' });
  const served =
    first.status === 200 &&
    isObject(first.json) &&
    typeof first.json['id'] === 'string' &&
    Array.isArray(first.json['steps']);
  record(
    'interactions-create',
    served ? 'pass' : 'fail',
    served ? 'an interaction with an id and steps' : `not an interaction: ${describeAnswer(first)}`,
  );
  if (!served) {
    record('interactions-state', 'skip', 'the create failed');
    record('interactions-stream', 'skip', 'the create failed');
  } else {
    const id = (first.json as { id: string }).id;
    const next = await send('interactions', {
      model,
      input: 'Reply with the word OK again.',
      previous_interaction_id: id,
    });
    const continued =
      next.status === 200 && isObject(next.json) && typeof next.json['id'] === 'string';
    record(
      'interactions-state',
      continued ? 'pass' : 'fail',
      continued ? 'continued' : `refused: ${describeAnswer(next)}`,
    );
    const streamed = await send('interactions?alt=sse', {
      model,
      input: 'Reply with the word OK.',
      stream: true,
    });
    const events = readSseEvents(streamed.text).map((data) => {
      try {
        return JSON.parse(data) as unknown;
      } catch {
        return undefined;
      }
    });
    const typed = events.filter(
      (event) =>
        isObject(event) &&
        typeof event['event_type'] === 'string' &&
        typeof event['event_id'] === 'string',
    );
    const ok = streamed.status === 200 && events.length > 0 && typed.length === events.length;
    record(
      'interactions-stream',
      ok ? 'pass' : 'fail',
      ok
        ? `${events.length} events, each with event_type and event_id`
        : streamed.status !== 200
          ? `refused: ${describeAnswer(streamed)}`
          : `${events.length - typed.length} of ${events.length} events without event_type or event_id`,
    );
  }
  return {
    baseUrl: clean(checked.baseUrl),
    model: clean(model),
    auth,
    records,
    ok: records.every((line) => line.status !== 'fail'),
  };
}
