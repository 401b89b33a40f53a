import { carriesContent, isGeminiChunk, streamChunksOf } from './check-probe-effects.ts';
import type { ProbeSteps } from './probe-steps.ts';
import type { ProbeAuth } from './probe-types.ts';
import {
  checkSseFraming,
  describeAnswer,
  hasCandidates,
  readSseEvents,
} from './read-probe-answer.ts';

/**
 * The probe's stream lines: `alt=sse` honoured, the SSE framing, and a stream that comes in
 * several chunks (asked for an answer long enough that the API sends it in several). Returns the
 * chunks that carry candidates, for the finish-reason line.
 * @internal
 */
export async function probeStream(
  { send, record, ask }: ProbeSteps,
  auth: ProbeAuth,
): Promise<unknown[]> {
  const stream = await send(
    'streamGenerateContent',
    ask('Count from 1 to 40, one number per line.'),
    auth,
    '?alt=sse',
  );
  const { form, chunks } = streamChunksOf(stream);
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

  return chunks.filter(hasCandidates);
}
