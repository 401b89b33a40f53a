import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { pickCallOptions } from '../files/file-options.ts';
import type { Files } from '../files/files.ts';
import type { Batches, CreateBatchRequest } from './batches.ts';

/** `@ai-sdk/google` 4.0.121's `googleBatchInlineCreationMaxBytes`. */
const MAX_INLINE_BATCH_BYTES = 20_000_000;
/** `@ai-sdk/google` 4.0.121's `googleBatchInputFileMaxBytes` (2 GB, the Files API's per-file cap). */
const MAX_BATCH_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Where a batch's requests go: inline in the create request, or uploaded as a JSONL file first
 * (`input: 'file'`, or `'auto'` at 20,000,000 bytes and above). Shared by `batches.create` and
 * the embedding batches (`@gemloop/core/embeddings`).
 * @internal
 */
export async function toInputConfig(
  keyed: readonly { key: string; body: unknown }[],
  options: {
    input: CreateBatchRequest['input'];
    displayName: string | undefined;
    files: Files;
    callOptions: Parameters<Batches['create']>[1];
  },
): Promise<Record<string, unknown>> {
  const { input, displayName, files, callOptions } = options;
  const inline = keyed.map(({ key, body }) => ({ request: body, metadata: { key } }));
  const inlineText = JSON.stringify(inline);
  const useFile =
    input === 'file' || (input !== 'inline' && inlineText.length >= MAX_INLINE_BATCH_BYTES);
  if (!useFile) return { requests: { requests: inline } };
  const jsonl = new TextEncoder().encode(
    keyed.map(({ key, body }) => `${JSON.stringify({ key, request: body })}\n`).join(''),
  );
  if (jsonl.byteLength > MAX_BATCH_FILE_BYTES) {
    throw new InvalidArgumentError({
      argument: 'request.requests',
      message:
        'The batch is larger than 2 GB, the most one input file may hold: split it into several batches.',
    });
  }
  const uploaded = await files.upload(jsonl, {
    ...pickCallOptions(callOptions),
    mimeType: 'application/jsonl',
    displayName: `${displayName ?? 'gemloop-batch'}-input`.slice(0, 512),
  });
  return { fileName: uploaded.name };
}
