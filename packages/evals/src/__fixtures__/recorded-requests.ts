import { createRecordedMediaResolver, type RecordedRunLine } from '@gemloop/core/recorder';

/**
 * The requests of a run file as sent: each `model-call-start` line's `request` without the `model`
 * the recorder adds (the model is in the URL), so a replay's or a fork's `replayedRequests` compare
 * with them by `toEqual`, every string whole (media a full recording refers to resolved).
 */
export function recordedRequests(text: string): unknown[] {
  const media = createRecordedMediaResolver();
  return text
    .trim()
    .split('\n')
    .map((line) => media.resolve(JSON.parse(line) as RecordedRunLine))
    .filter((line) => line.type === 'model-call-start')
    .map((line) => {
      const { model: _model, ...body } = (line as { request: Record<string, unknown> }).request;
      return body;
    });
}
