import { shownAnswer, shownText } from '../lib/trace-printer.ts';

/** What the example's AG-UI client got back (askAndApprove of the guide's code). */
export type AgUiOutcome = {
  status: unknown;
  asked: readonly (string | undefined)[];
  refund: unknown;
  state: unknown;
};

/**
 * The lines the example prints of what the AG-UI client got: the model's answers with their line
 * breaks kept, the interrupts' prompts and the shared state on one line each. All of it is the
 * server's and the model's to choose (a state's strings reach the terminal as `JSON.stringify`
 * leaves them: C1 controls and bidi overrides raw), so every control character is shown escaped.
 */
export function agUiLines({ status, asked, refund, state }: AgUiOutcome): string[] {
  return [
    `status: ${shownAnswer(String(status))}`,
    `interrupt: ${shownText(asked.join('; '))} -> approved`,
    `refund: ${shownAnswer(String(refund))}`,
    `shared state: ${shownText(JSON.stringify(state) ?? String(state))}`,
  ];
}
