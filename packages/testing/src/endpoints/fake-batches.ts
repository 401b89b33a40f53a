import { isJsonObject, readField } from '@gemloop/core/internal';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeBatch, FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import { answerEmbedContent } from './fake-embeddings.ts';
import { addGeneratedFile, findFile } from './fake-files.ts';
import { generateFakeReply } from './generate-fake-reply.ts';

const BATCH_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch';
const OUTPUT_TYPE =
  'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput';
const EMBED_BATCH_TYPE =
  'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch';
const EMBED_OUTPUT_TYPE =
  'type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput';

function now(state: FakeState): number {
  return state.options.now?.() ?? Date.now();
}

/**
 * `POST {version}/models/{model}:batchGenerateContent`: a job from inline requests
 * (`batch.inputConfig.requests.requests[]`, each `{ request, metadata: { key } }`) or an uploaded
 * JSONL file (`batch.inputConfig.fileName`, lines `{ key, request }`). Shapes from
 * `@ai-sdk/google` 4.0.121 (google-batch.ts) and ai.google.dev/gemini-api/docs/batch-mode;
 * hand-written, not recorded. `kind: 'embed'` is `{model}:asyncBatchEmbedContent`, the same
 * envelope with an `EmbedContentRequest` per item (`@google/genai` 2.32.0
 * `createEmbeddingsBatchJobParametersToMldev`).
 * @internal
 */
export function handleBatchCreate(
  state: FakeState,
  model: string,
  body: unknown,
  kind?: 'embed',
): FakeReply {
  const batch = isJsonObject(body) ? body['batch'] : undefined;
  const input = isJsonObject(batch) ? (batch['inputConfig'] ?? batch['input_config']) : undefined;
  if (!isJsonObject(batch) || !isJsonObject(input)) {
    return jsonReply(
      state,
      googleError(400, '* GenerateContentBatch.input_config: input_config is required.'),
    );
  }
  const requests: Array<{ key: string | undefined; request: unknown }> = [];
  let fromFile = false;
  const inline = isJsonObject(input['requests']) ? input['requests']['requests'] : undefined;
  if (Array.isArray(inline)) {
    for (const item of inline) {
      const key =
        isJsonObject(item) && isJsonObject(item['metadata']) ? item['metadata']['key'] : undefined;
      requests.push({
        key: typeof key === 'string' ? key : undefined,
        request: isJsonObject(item) ? item['request'] : undefined,
      });
    }
  } else if (typeof readField(input, 'fileName', 'file_name') === 'string') {
    fromFile = true;
    // Proto3 JSON: either spelling of the field.
    const fileName = readField(input, 'fileName', 'file_name') as string;
    const id = fileName.replace(/^files\//, '');
    const file = findFile(state, id);
    if (file === undefined) {
      return jsonReply(
        state,
        googleError(400, `The input file ${fileName} does not exist or has expired.`),
      );
    }
    const lines = new TextDecoder().decode(file.bytes).split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return jsonReply(
          state,
          googleError(400, `Line ${index + 1} of ${fileName} is not valid JSON.`),
        );
      }
      if (!isJsonObject(parsed))
        return jsonReply(
          state,
          googleError(400, `Line ${index + 1} of ${fileName} is not an object.`),
        );
      const key = parsed['key'];
      requests.push({ key: typeof key === 'string' ? key : undefined, request: parsed['request'] });
    }
  } else {
    return jsonReply(
      state,
      googleError(400, '* GenerateContentBatch.input_config: requests or file_name is required.'),
    );
  }
  if (requests.length === 0)
    return jsonReply(state, googleError(400, 'The batch has no requests.'));
  state.batchCounter++;
  const id = `b${state.batchCounter.toString(36).padStart(11, '0')}`;
  const stored: FakeBatch = {
    id,
    model,
    displayName: ((name) => (typeof name === 'string' ? name : undefined))(
      readField(batch, 'displayName', 'display_name'),
    ),
    requests,
    fromFile,
    kind,
    state: 'BATCH_STATE_PENDING',
    polls: 0,
    createTime: now(state),
    output: undefined,
  };
  state.batches.set(id, stored);
  return jsonReply(state, { status: 200, body: describeBatch(stored) });
}

/**
 * `GET/DELETE {version}/batches[/{id}]`, `POST {version}/batches/{id}:cancel`. Each get moves a job
 * along PENDING → RUNNING → SUCCEEDED (`filesApi.batchPolls` gets in each of the first two); when
 * it succeeds its requests are answered by the script, in request order, as `generateContent`
 * calls (faults and contract checks included; an error answer becomes that request's error). A
 * file job's results file lists the lines in reverse order: Google does not promise an order, so
 * a client must match answers by key.
 * @internal
 */
export async function handleBatchRequest(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  options: {
    apiVersion: string;
    id: string | undefined;
    action: string | undefined;
    query: URLSearchParams;
  },
): Promise<FakeReply> {
  const { id, action, query } = options;
  if (id === undefined) {
    if (request.method !== 'GET')
      return jsonReply(
        state,
        googleError(404, `[gemloop fake] ${request.method} batches is not a route.`),
      );
    const all = [...state.batches.values()];
    const pageSize = Math.max(1, Number(query.get('pageSize')) || 10);
    const offset = Math.max(0, Number(query.get('pageToken')) || 0);
    const body: Record<string, unknown> = {
      operations: all.slice(offset, offset + pageSize).map(describeBatch),
    };
    if (offset + pageSize < all.length) body['nextPageToken'] = String(offset + pageSize);
    return jsonReply(state, { status: 200, body });
  }
  const batch = state.batches.get(id);
  if (batch === undefined)
    return jsonReply(state, googleError(404, `Batch batches/${id} not found.`));
  if (action === 'cancel' && request.method === 'POST') {
    if (!isTerminal(batch.state)) batch.state = 'BATCH_STATE_CANCELLED';
    return jsonReply(state, { status: 200, body: {} });
  }
  if (request.method === 'DELETE') {
    state.batches.delete(id);
    return jsonReply(state, { status: 200, body: {} });
  }
  if (request.method !== 'GET' || action !== undefined) {
    return jsonReply(
      state,
      googleError(
        404,
        `[gemloop fake] ${request.method} batches/${id}${action === undefined ? '' : `:${action}`} is not a route.`,
      ),
    );
  }
  await advance(state, batch, options.apiVersion, recorded);
  return jsonReply(state, { status: 200, body: describeBatch(batch) });
}

function isTerminal(state: string): boolean {
  return /SUCCEEDED|FAILED|CANCELLED|EXPIRED/.test(state);
}

async function advance(
  state: FakeState,
  batch: FakeBatch,
  apiVersion: string,
  recorded: FakeRecordedRequest,
): Promise<void> {
  if (isTerminal(batch.state)) return;
  const polls = state.options.filesApi?.batchPolls ?? 1;
  batch.polls++;
  if (batch.state === 'BATCH_STATE_PENDING' && batch.polls > polls) {
    // This get is the first that sees it RUNNING.
    batch.state = 'BATCH_STATE_RUNNING';
    batch.polls = 1;
    return;
  }
  if (batch.state !== 'BATCH_STATE_RUNNING' || batch.polls <= polls) return;
  const answers: Array<{ key: string | undefined; response?: unknown; error?: unknown }> = [];
  for (const item of batch.requests) {
    if (batch.kind === 'embed') {
      const embedded = answerEmbedContent(batch.model, item.request, state.options.embed);
      answers.push(
        embedded.status === 200
          ? { key: item.key, response: embedded.body }
          : { key: item.key, error: (embedded.body as { error?: unknown }).error },
      );
      continue;
    }
    const reply = await generateFakeReply(state, {
      route: {
        apiVersion,
        model: batch.model,
        method: 'generateContent',
        stream: false,
        alt: undefined,
        query: new URLSearchParams(),
      },
      model: batch.model,
      body: item.request,
      recorded: { ...recorded },
      errorStyle: 'json',
    });
    const parsed: unknown = JSON.parse(reply.pieces.join(''));
    if (reply.status === 200) answers.push({ key: item.key, response: parsed });
    else
      answers.push({
        key: item.key,
        error: isJsonObject(parsed) ? parsed['error'] : { code: reply.status },
      });
  }
  batch.state = 'BATCH_STATE_SUCCEEDED';
  batch.failedRequests = answers.filter((answer) => answer.error !== undefined).length;
  if (!batch.fromFile) {
    batch.output = {
      inlinedResponses: {
        inlinedResponses: answers.map(({ key, ...answer }) =>
          key === undefined ? answer : { ...answer, metadata: { key } },
        ),
      },
    };
    return;
  }
  const lines = [...answers]
    .reverse()
    .map((answer) => `${JSON.stringify(answer)}\n`)
    .join('');
  const file = addGeneratedFile(state, {
    displayName: `batch-${batch.id}-results`,
    mimeType: 'application/jsonl',
    bytes: new TextEncoder().encode(lines),
  });
  batch.output = { responsesFile: `files/${file.id}` };
}

function describeBatch(batch: FakeBatch): Record<string, unknown> {
  const created = new Date(batch.createTime).toISOString();
  // BatchStats (ai.google.dev/api/batch-api): requests that failed to be processed are counted
  // apart from the successful ones; proto3 JSON leaves out a count of zero.
  const failed = batch.failedRequests ?? 0;
  const succeeded = batch.requests.length - failed;
  const metadata: Record<string, unknown> = {
    '@type': batch.kind === 'embed' ? EMBED_BATCH_TYPE : BATCH_TYPE,
    model: `models/${batch.model}`,
    state: batch.state,
    createTime: created,
    updateTime: created,
    batchStats: {
      requestCount: String(batch.requests.length),
      ...(batch.state === 'BATCH_STATE_SUCCEEDED'
        ? {
            ...(succeeded > 0 ? { successfulRequestCount: String(succeeded) } : {}),
            ...(failed > 0 ? { failedRequestCount: String(failed) } : {}),
          }
        : { pendingRequestCount: String(batch.requests.length) }),
    },
  };
  if (batch.displayName !== undefined) metadata['displayName'] = batch.displayName;
  if (batch.output !== undefined) metadata['output'] = batch.output;
  const operation: Record<string, unknown> = { name: `batches/${batch.id}`, metadata };
  if (isTerminal(batch.state)) operation['done'] = true;
  if (batch.output !== undefined)
    operation['response'] = {
      '@type': batch.kind === 'embed' ? EMBED_OUTPUT_TYPE : OUTPUT_TYPE,
      ...batch.output,
    };
  return operation;
}
