import type { ProbeAuth, ProbePropertyId, ProbeStatus } from './probe-types.ts';
import type { ProbeAdviceVariant } from './probe-workarounds.ts';
import type { Answer } from './read-probe-answer.ts';

/** What each group of the probe's checks works with. @internal */
export type ProbeSteps = {
  /** One request, bounded and redacted (see `sendProbeRequest`), to `models/{model}:{method}`. */
  send: (
    method: string,
    body: unknown,
    auth: ProbeAuth,
    query?: string,
    model?: string,
  ) => Promise<Answer>;
  /** Records one line; `variant` picks the advice for that cause of a failure. */
  record: (
    id: ProbePropertyId,
    status: ProbeStatus,
    detail: string,
    variant?: ProbeAdviceVariant,
  ) => void;
  /** A request body with one user message, plus `extra` fields. */
  ask: (
    text: string,
    extra?: Record<string, unknown>,
  ) => { contents: { role: string; parts: { text: string }[] }[] } & Record<string, unknown>;
};
