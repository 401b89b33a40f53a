import type { Agent, AgentEvent } from '@gemloop/core';
import { followAnsweringAgent } from '../door/follow-answering-agent.ts';

/** A text delta to send: its text and the step of the run it came from. @internal */
export type AnswerDelta = { readonly text: string; readonly stepNumber: number };

/** What an OpenAI stream sends of a run's text, as {@link createAnswerDeltas} decides it. @internal */
export type AnswerDeltas = {
  /** The deltas to send now for `event`, one of the run's own (not a nested agent's), in order. */
  take(event: AgentEvent<unknown>): AnswerDelta[];
  /**
   * At the run's end: the deltas still held (the last step handed nothing off), and whether the
   * answer goes out whole instead (`result.text`, the validated JSON of an `output` agent).
   */
  end(): { released: AnswerDelta[]; answerOnly: boolean };
  /** The text sent so far, by step, a guardrail's retraction applied: what a failure settles on. */
  sent(): string;
  /** {@link AnswerDeltas.sent} of one step: the text its Responses message item settles on. */
  sentIn(stepNumber: number): string;
};

/** Options of {@link createAnswerDeltas}. @internal */
export type AnswerDeltasOptions = {
  /** The door's agent. */
  readonly root: Agent<unknown>;
  /**
   * The name of the agent holding the run as it starts (a conversation a hand-off gave away),
   * read at the run's first event: a chat session reads it with the history, before the run.
   * Left out: the root holds it.
   */
  readonly holder?: (() => string | undefined) | undefined;
};

/**
 * What an OpenAI stream (Chat Completions, Responses) sends of a run's text. OpenAI's streams
 * cannot take text back, so a client joins every delta into the answer:
 * - an agent answering with an `output` schema sends nothing live, and its validated JSON whole
 *   at the end (a refused answer first joined with the re-asked JSON, attack51);
 * - an agent that may hand the run to one with `output` holds each step's text until the step is
 *   known not to hand off (the next step starts, or the run ends). A hand-off to an `output`
 *   receiver drops it: the text before the call ("Let me pass you on.") is not the answer, and
 *   joined with the receiver's JSON it was no JSON a client parses (leftovers67). A hand-off to
 *   a plain receiver sends it, as it streamed before;
 * - any other agent's deltas go out as they come.
 *
 * @internal
 */
export function createAnswerDeltas({
  root,
  holder = () => undefined,
}: AnswerDeltasOptions): AnswerDeltas {
  // Who answers is the doors' one notion of it; what this stream does with it is its own.
  const answering = followAnsweringAgent({ root, holder });
  let held: AnswerDelta[] = [];
  const sent = new Map<number, string>();
  const send = (deltas: AnswerDelta[]): AnswerDelta[] => {
    for (const { text, stepNumber } of deltas) {
      sent.set(stepNumber, (sent.get(stepNumber) ?? '') + text);
    }
    return deltas;
  };
  const release = (): AnswerDelta[] => {
    const out = held;
    held = [];
    return send(out);
  };
  return {
    take(event) {
      const agent = answering(event);
      switch (event.type) {
        case 'text-delta': {
          if (agent.answersWithOutput) return [];
          const delta = { text: event.text, stepNumber: event.stepNumber };
          if (!agent.handsToOutput) return send([delta]);
          held.push(delta);
          return [];
        }
        // A step's hand-off comes after its end and before the next step's start: a step that
        // starts tells the one before it handed nothing off.
        case 'step-start':
          return release();
        case 'handoff':
          if (!agent.answersWithOutput) return release();
          held = [];
          return [];
        case 'guardrail-retraction':
          // Text still held goes out as the guardrail left it; text sent cannot be taken back,
          // but what a failure settles on holds the guardrail's (a block repeated it, attack21).
          if (held.some((delta) => delta.stepNumber === event.stepNumber)) {
            held = held.filter((delta) => delta.stepNumber !== event.stepNumber);
            if (event.text !== '') held.push({ text: event.text, stepNumber: event.stepNumber });
          } else {
            sent.set(event.stepNumber, event.text);
          }
          return [];
        default:
          return [];
      }
    },
    end() {
      const { answersWithOutput } = answering();
      return { released: answersWithOutput ? [] : release(), answerOnly: answersWithOutput };
    },
    sent: () => [...sent.values()].join(''),
    sentIn: (stepNumber) => sent.get(stepNumber) ?? '',
  };
}
