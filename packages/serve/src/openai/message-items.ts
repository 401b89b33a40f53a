import type { AnswerDelta } from './answer-deltas.ts';
import { openAIId } from './door-request.ts';

/** One message item of a Responses answer: its id and the text it settles on. @internal */
export type MessageItem = { readonly id: string; readonly text: string };

/** How a response's last message item ended (OpenAI's `ResponseOutputMessage.status`). @internal */
export type MessageStatus = 'completed' | 'incomplete';

/** An `output_text` content part, as OpenAI's `ResponseOutputText`. @internal */
export type OutputText = {
  readonly type: 'output_text';
  readonly text: string;
  readonly annotations: [];
  readonly logprobs: [];
};

/** An `output_text` content part of `text`. @internal */
export function outputText(text: string): OutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/**
 * The message items of a unary answer: one per step of the run that wrote text, the last the
 * answer as the run settled it (`result.text`: a guardrail's rewrite, a cut answer; there even
 * when empty, as a response's one message always was). OpenAI's Responses API gives a turn of
 * several outputs as several `output` items, and the `openai` client's `output_text` joins the
 * text of every message item (openai-node 6.49.0, `lib/ResponsesParser.js` `addOutputText`):
 * with the answer alone, the unary `output_text` differed from the stream's joined deltas, which
 * carry each step's text. `answerAlone`: the stream shows the answer only (an agent answering with
 * `output` gives its JSON alone, answer-deltas.ts; a run holding text back shows no step before
 * the answer, streams-loop-text.ts). The same rule as {@link createMessageItemsStream}. @internal
 */
export function messageItems(
  steps: readonly { readonly text: string }[],
  text: string,
  answerAlone: boolean,
): MessageItem[] {
  const earlier = answerAlone
    ? []
    : steps.slice(0, -1).flatMap((step) => (step.text === '' ? [] : [step.text]));
  return [...earlier, text].map((each) => ({ id: openAIId('msg_'), text: each }));
}

/** What {@link createMessageItemsStream} writes with and reads. @internal */
export type MessageItemsStreamOptions = {
  /** Writes one event; `ended`: a frame the stream's unread cap does not judge (event-stream.ts). */
  send: (type: string, fields: Record<string, unknown>, ended?: boolean) => void;
  /** The text sent of a step, a guardrail's retraction applied (`AnswerDeltas.sentIn`). */
  sentIn: (stepNumber: number) => string;
};

/** How a streamed run ended, as {@link MessageItemsStream.end} closes its items. @internal */
export type StreamedAnswer = {
  /** The answer as the run settled it (`result.text`). */
  readonly text: string;
  /** The number of the run's last step (its last top-level `step-start`). */
  readonly lastStep: number | undefined;
  /** The answer goes out whole (an `output` agent's validated JSON). */
  readonly answerOnly: boolean;
  readonly status: MessageStatus;
};

/** The message items of a streamed Responses answer, as they are written. @internal */
export type MessageItemsStream = {
  /** Sends `delta` in its step's item, opened (the item before it closed) on the step's first. */
  delta(delta: AnswerDelta): void;
  /** Closes the items at the run's end, the last holding the settled answer; the items. */
  end(answer: StreamedAnswer): MessageItem[];
  /** The items written so far, each the text sent in it: what a failed response holds. */
  sent(): MessageItem[];
};

type OpenItem = { id: string; index: number; stepNumber: number | undefined };

/**
 * Writes a streamed answer as OpenAI's Responses API streams a turn of several outputs: each step
 * that writes text is its own message item (`output_item.added`, `content_part.added`,
 * `output_text.delta`*, `output_text.done`, `content_part.done`, `output_item.done`, at its
 * `output_index`), so each item's joined deltas are its `done` text and the client's
 * `output_text` (all items joined) is the joined deltas. Every step's deltas went into one item
 * whose `done` held the last step's text only (openai67, noticed). The last item is the answer as
 * the run settled it, as {@link messageItems} makes a unary answer's: a guardrail's rewrite
 * without `holdBack` is its `done` text, not its deltas (docs/serving-openai-compatible.md).
 * @internal
 */
export function createMessageItemsStream({
  send,
  sentIn,
}: MessageItemsStreamOptions): MessageItemsStream {
  const items: OpenItem[] = [];
  let open: OpenItem | undefined;
  const at = (item: OpenItem) => ({ item_id: item.id, output_index: item.index, content_index: 0 });
  const message = (item: OpenItem) => ({ id: item.id, type: 'message', role: 'assistant' });
  const openItem = (stepNumber: number | undefined): OpenItem => {
    const item = { id: openAIId('msg_'), index: items.length, stepNumber };
    items.push(item);
    open = item;
    send('response.output_item.added', {
      output_index: item.index,
      item: { ...message(item), status: 'in_progress', content: [] },
    });
    send('response.content_part.added', { ...at(item), part: outputText('') });
    return item;
  };
  const write = (item: OpenItem, text: string) =>
    send('response.output_text.delta', { ...at(item), delta: text, logprobs: [] });
  // The `done` frames repeat text already sent (and judged by the unread cap as deltas), or the
  // answer whole at the end: not judged again (attack49b).
  const close = (item: OpenItem, text: string, status: MessageStatus) => {
    send('response.output_text.done', { ...at(item), text, logprobs: [] }, true);
    send('response.content_part.done', { ...at(item), part: outputText(text) }, true);
    send(
      'response.output_item.done',
      {
        output_index: item.index,
        item: { ...message(item), status, content: [outputText(text)] },
      },
      true,
    );
    open = undefined;
  };
  const sentOf = (item: OpenItem) => (item.stepNumber === undefined ? '' : sentIn(item.stepNumber));
  return {
    delta({ text, stepNumber }) {
      if (open !== undefined && open.stepNumber === stepNumber) return write(open, text);
      if (open !== undefined) close(open, sentOf(open), 'completed');
      write(openItem(stepNumber), text);
    },
    end({ text, lastStep, answerOnly, status }) {
      let last = open;
      if (last === undefined || answerOnly || last.stepNumber !== lastStep) {
        // The last step wrote nothing live (an `output` agent's JSON, an empty answer): the answer
        // is an item of its own, its one delta the settled text.
        if (last !== undefined) close(last, sentOf(last), 'completed');
        last = openItem(lastStep);
        if (text !== '') write(last, text);
      }
      close(last, text, status);
      const final = last;
      return items.map((item) => ({ id: item.id, text: item === final ? text : sentOf(item) }));
    },
    sent: () => items.map((item) => ({ id: item.id, text: sentOf(item) })),
  };
}
