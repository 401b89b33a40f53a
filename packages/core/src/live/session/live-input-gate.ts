import type { checkInputInOrder } from '../../guardrails/check-added-input.ts';
import type { ComposedGuardrails } from '../../guardrails/compose-guardrails.ts';
import type { GuardrailRunOptions } from '../../guardrails/guardrail-check-results.ts';
import type { Logger } from '../../logging/logger.ts';
import { LiveSessionError } from '../live-session-error.ts';

/** What the input gate reads of its session and sends through it. @internal */
export type LiveInputHost = {
  readonly guardrails: ComposedGuardrails | undefined;
  guardrailOptions(signal: AbortSignal): GuardrailRunOptions;
  /**
   * Runs the input guardrails on a text: their own check, which the guardrails value carries
   * (`LiveGuardrails.checkInput`), or a test's; given whenever `guardrails` has input checks.
   */
  readonly checkInput?: typeof checkInputInOrder | undefined;
  /** Aborted when the session ends. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  ended(): boolean;
  /** Sends now (throws a `LiveSessionError` `closed` on an ended session). */
  send(message: Record<string, unknown>): void;
  /** A user text was sent, as sent (after a rewrite): the recorder's, never a blocked one. */
  sentText?: ((text: string) => void) | undefined;
  /** The most bytes that may wait behind the texts being checked (`maxBufferedBytes`). */
  readonly maxWaitingBytes: number;
  /** Ends the session with `error` (what waits is over the bound). */
  end(error: LiveSessionError): void;
};

// What one waiting send costs beyond its bytes (its closure and chain link): an empty text
// flooded in is no free lunch for the bound.
const WAITING_OVERHEAD_BYTES = 64;

/**
 * What the user sends, in order: text through the agent's input guardrails first when it has
 * any, and what comes while a text is being checked waiting behind it. @internal
 */
export class LiveInputGate {
  readonly #host: LiveInputHost;
  /** Sends waiting behind a `sendText` whose input guardrails still check it (kept in order). */
  #inputChain: Promise<void> = Promise.resolve();
  #inputChecks = 0;
  /** Bytes of the texts and messages waiting in the chain (a hung check holds them all). */
  #waitingBytes = 0;

  constructor(host: LiveInputHost) {
    this.#host = host;
  }

  /**
   * User text, through the agent's input guardrails first when it has any (as a chat message is):
   * a block stops this text (a `guardrail` event says so; the session goes on), a rewrite sends
   * the rewritten text. What is sent meanwhile waits behind it, in order.
   */
  sendText(text: string): void {
    const input = this.#host.guardrails?.input ?? [];
    if (input.length === 0) {
      this.sendInOrder({ realtimeInput: { text } });
      this.#host.sentText?.(text);
      return;
    }
    // Sending on an ended session throws now, not later in the chain.
    if (this.#host.ended()) this.#host.send({ realtimeInput: { text } });
    this.#inChain(text.length, async () => {
      const checked = await (this.#host.checkInput as typeof checkInputInOrder)(
        input,
        [{ role: 'user', parts: [{ text }] }],
        this.#host.guardrailOptions(this.#host.signal),
      );
      if (checked.type !== 'pass' && checked.type !== 'rewrite') return;
      const sent =
        checked.type === 'pass'
          ? text
          : checked.contents
              .flatMap((content) => content.parts ?? [])
              .flatMap((part) => (typeof part.text === 'string' ? [part.text] : []))
              .join('\n');
      if (sent === '') {
        this.#host.logger.warn(
          {},
          'live session: an input guardrail rewrote a text to no text; nothing was sent',
        );
        return;
      }
      this.#host.send({ realtimeInput: { text: sent } });
      this.#host.sentText?.(sent);
    });
  }

  /** Sends now, or after the texts still being checked (so nothing overtakes them). */
  sendInOrder(message: Record<string, unknown>): void {
    if (this.#inputChecks === 0) this.#host.send(message);
    else {
      if (this.#host.ended()) this.#host.send(message);
      this.#inChain(JSON.stringify(message).length, () => this.#host.send(message));
    }
  }

  /**
   * Queues `step` behind the checks under way, `bytes` counted until it runs. Past the bound the
   * session ends (`buffer-full`): a check that hangs (no `timeoutMs`) while a microphone keeps
   * sending would otherwise hold everything sent until the process runs out of memory.
   */
  #inChain(bytes: number, step: () => void | Promise<void>): void {
    const cost = bytes + WAITING_OVERHEAD_BYTES;
    if (this.#waitingBytes + cost > this.#host.maxWaitingBytes) {
      const limit = this.#host.maxWaitingBytes;
      this.#host.end(
        new LiveSessionError({
          reason: 'buffer-full',
          limit,
          message: `More than ${limit} bytes of messages waited behind an input guardrail's check of a text: give the guardrails a timeoutMs, or raise maxBufferedBytes.`,
        }),
      );
      // As the session's other buffers do: this send is dropped with the session, the next throws
      // `closed`, and the reader gets the error.
      return;
    }
    this.#waitingBytes += cost;
    this.#inputChecks += 1;
    this.#inputChain = this.#inputChain
      .then(() => {
        this.#waitingBytes -= cost;
        return this.#host.ended() ? undefined : step();
      })
      .catch((error: unknown) => {
        if (!this.#host.ended())
          this.#host.logger.warn({ err: error }, 'live session: a send failed');
      })
      .finally(() => {
        this.#inputChecks -= 1;
      });
  }
}
