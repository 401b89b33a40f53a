import type { EngineGuardrails, GuardrailRunOptions } from '../../agent/run-state/run-context.ts';
import type { Logger } from '../../logging/logger.ts';

/** What the input gate reads of its session and sends through it. @internal */
export type LiveInputHost = {
  readonly guardrails: EngineGuardrails | undefined;
  guardrailOptions(signal: AbortSignal): GuardrailRunOptions;
  /** Aborted when the session ends. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  ended(): boolean;
  /** Sends now (throws a `LiveSessionError` `closed` on an ended session). */
  send(message: Record<string, unknown>): void;
  /** A user text was sent, as sent (after a rewrite): the recorder's, never a blocked one. */
  sentText?: ((text: string) => void) | undefined;
};

/**
 * What the user sends, in order: text through the agent's input guardrails first when it has
 * any, and what comes while a text is being checked waiting behind it. @internal
 */
export class LiveInputGate {
  readonly #host: LiveInputHost;
  /** Sends waiting behind a `sendText` whose input guardrails still check it (kept in order). */
  #inputChain: Promise<void> = Promise.resolve();
  #inputChecks = 0;

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
    const engine = (this.#host.guardrails as EngineGuardrails).engine;
    this.#inChain(async () => {
      const checked = await engine.checkInput(
        input,
        { role: 'user', parts: [{ text }] },
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
      this.#inChain(() => this.#host.send(message));
    }
  }

  #inChain(step: () => void | Promise<void>): void {
    this.#inputChecks += 1;
    this.#inputChain = this.#inputChain
      .then(() => (this.#host.ended() ? undefined : step()))
      .catch((error: unknown) => {
        if (!this.#host.ended())
          this.#host.logger.warn({ err: error }, 'live session: a send failed');
      })
      .finally(() => {
        this.#inputChecks -= 1;
      });
  }
}
