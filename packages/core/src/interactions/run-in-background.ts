import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import type { CallOptions } from '../http/call-options.ts';
import type { CreateInteractionRequest, Interaction } from '../wire/interaction.ts';
import type { InteractionsBackground } from './agent-api.ts';
import type { InteractionsBackend } from './interactions-backend.ts';

const RUNNING = new Set(['queued', 'in_progress']);
/** The defaults of {@link InteractionsBackground}. */
const BACKGROUND_DEFAULTS = {
  pollIntervalMs: 1_000,
  maxPollIntervalMs: 10_000,
  maxWaitMs: 2 * 3_600_000,
} as const;

/**
 * One model call as a background interaction: `create` with `background: true` (answered at once,
 * `queued` or `in_progress`), then `get` until the interaction is no longer running, pausing
 * between polls (growing by half, up to `maxPollIntervalMs`). Polling rather than the event
 * stream: the AI SDK's `google.interactions` does the same for background runs, and a poll's
 * answer is a whole interaction a durable worker can record as one step.
 *
 * The wait is counted as the sum of its pauses, not by a clock, so a durable replay counts the
 * same. Past `maxWaitMs`, or when the run stops (`backend.stopsRun`), the interaction is
 * cancelled on the server (best effort) before the error is thrown.
 * @internal
 */
export async function runInBackground(
  backend: InteractionsBackend,
  body: CreateInteractionRequest,
  callOptions: CallOptions,
  settings: InteractionsBackground,
  /** The model call's in-step reports, handed to the backend's create and polls. */
  stepReports?: unknown,
): Promise<Interaction> {
  const created = await backend.interactions.create(
    { ...body, background: true },
    callOptions,
    stepReports,
  );
  return waitForInteraction(backend, created, callOptions, settings, stepReports);
}

/**
 * Polls `created` (an interaction the server answered `queued` or `in_progress`) until it is no
 * longer running, as {@link runInBackground} does after its create: the same pauses, limit and
 * cancel on the way out. A foreground create a server answered still running is waited for so
 * too (it was read as a finished, empty answer). An interaction already done is returned as is.
 * @internal
 */
export async function waitForInteraction(
  backend: InteractionsBackend,
  created: Interaction,
  callOptions: CallOptions,
  settings: InteractionsBackground,
  stepReports?: unknown,
): Promise<Interaction> {
  const first = settings.pollIntervalMs ?? BACKGROUND_DEFAULTS.pollIntervalMs;
  const longest = Math.max(
    first,
    settings.maxPollIntervalMs ?? BACKGROUND_DEFAULTS.maxPollIntervalMs,
  );
  const maxWaitMs = settings.maxWaitMs ?? BACKGROUND_DEFAULTS.maxWaitMs;
  const { interactions } = backend;
  let current = created;
  let pause = first;
  let waited = 0;
  let timedOut = false;
  try {
    while (RUNNING.has(current.status)) {
      if (waited >= maxWaitMs) {
        timedOut = true;
        throw new TimeoutError({
          timeoutMs: maxWaitMs,
          operation: 'interactions.background',
          message: `Background interaction ${created.id} was still ${current.status} after ${maxWaitMs} ms of polling; it was cancelled. Raise api.background.maxWaitMs if the model needs longer.`,
        });
      }
      if (settings.wakeOnWebhook === true && backend.wait !== undefined) {
        await backend.wait(created.id, pause, callOptions.signal);
      } else {
        await backend.sleep(pause, callOptions.signal);
      }
      waited += pause;
      pause = Math.min(longest, Math.ceil(pause * 1.5));
      current = await interactions.get(created.id, callOptions, stepReports);
    }
  } catch (error) {
    const stops =
      timedOut ||
      (await Promise.resolve(
        backend.stopsRun?.(error, callOptions) ?? callOptions.signal?.aborted === true,
      ).catch(() => false));
    if (stops) {
      // Not with the run's signal: it may be the one that aborted.
      const { signal: _signal, ...rest } = callOptions;
      await interactions.cancel(created.id, rest).catch(() => {});
    }
    throw error;
  }
  // `failed`, or `cancelled` by someone else: no answer to fold into the run. (`incomplete` and
  // `requires_continuation` carry a partial answer the agent reads as MAX_TOKENS / CONTINUATION.)
  if (current.status === 'failed' || current.status === 'cancelled') {
    throw new InteractionFailedError({
      interactionId: String(current.id),
      status: current.status,
      error: current['error'],
    });
  }
  return current;
}
