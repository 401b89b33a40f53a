import { isLevelEnabled, type Logger } from '../../logging/logger.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { scrubSecrets } from '../../shared/scrub-secrets.ts';
import type { UsageMetadata } from '../../wire/response.ts';

/** One attempt, as the debug line reports it. */
export type AttemptLogFields = {
  model: string | undefined;
  method: string;
  attempt: number;
  status: number | undefined;
  latencyMs: number;
  usage?: UsageMetadata | undefined;
  /** Stream only: how many chunks were delivered. */
  chunks?: number | undefined;
  /** Stream only: time to the response headers. */
  headersMs?: number | undefined;
  error?: unknown;
};

/**
 * Writes the one debug line of an attempt: model, method, attempt, status, latency, and usage when
 * the call produced it. Builds nothing when debug is off. The fields hold no request headers and
 * no key; an error goes under `err` (gemloop errors serialise without secrets).
 * @internal
 */
export function logAttempt(logger: Logger, fields: AttemptLogFields): void {
  if (!isLevelEnabled(logger, 'debug')) return;
  const line: Record<string, unknown> = {
    model: fields.model,
    method: fields.method,
    attempt: fields.attempt,
    status: fields.status,
    latencyMs: Math.round(fields.latencyMs),
  };
  if (fields.headersMs !== undefined) line['headersMs'] = Math.round(fields.headersMs);
  if (fields.chunks !== undefined) line['chunks'] = fields.chunks;
  if (fields.usage !== undefined) line['usage'] = fields.usage;
  if (fields.error !== undefined) {
    line['err'] = fields.error;
    logger.debug(line, `${fields.method} attempt ${fields.attempt} failed`);
  } else {
    logger.debug(line, `${fields.method} attempt ${fields.attempt} succeeded`);
  }
}

/**
 * Logs a request or response body at trace level only (they hold the whole prompt and answer),
 * with `redact` scrubbed from it: a gateway may echo the key or a header credential in a 2xx body.
 * @internal
 */
export function logBody(
  logger: Logger,
  fields: {
    method: string;
    attempt?: number | undefined;
    direction: 'request' | 'response' | 'chunk';
  },
  body: string | unknown,
  redact: readonly string[],
): void {
  if (!isLevelEnabled(logger, 'trace')) return;
  const clean = typeof body === 'string' ? redactSecrets(body, redact) : scrubSecrets(body, redact);
  logger.trace?.({ ...fields, body: clean }, `${fields.method} ${fields.direction} body`);
}

/**
 * Logs at info that a failed attempt will be retried, and after how long.
 * @internal
 */
export function logRetry(
  logger: Logger,
  fields: { method: string; attempt: number; delayMs: number; isServerDelay: boolean },
): void {
  if (!isLevelEnabled(logger, 'info')) return;
  logger.info(
    { ...fields },
    `${fields.method} attempt ${fields.attempt} failed; retrying in ${fields.delayMs} ms`,
  );
}
