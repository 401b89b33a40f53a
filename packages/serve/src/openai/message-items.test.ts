import { describe, expect, it } from 'vitest';
import { createMessageItemsStream, messageItems } from './message-items.ts';

/** A stream of items writing into `events`, each step's sent text as `sent` holds it. */
function writer(sent: Map<number, string> = new Map()) {
  const events: { type: string; [key: string]: unknown }[] = [];
  const items = createMessageItemsStream({
    send: (type, fields) => void events.push({ type, ...fields }),
    sentIn: (stepNumber) => sent.get(stepNumber) ?? '',
  });
  const delta = (text: string, stepNumber: number) => {
    sent.set(stepNumber, (sent.get(stepNumber) ?? '') + text);
    items.delta({ text, stepNumber });
  };
  return { events, items, delta, sent };
}

/** The events of one item at `index` with `deltas` deltas, in order, each with its index. */
const oneItem = (index: number, deltas: number) =>
  [
    'response.output_item.added',
    'response.content_part.added',
    ...Array.from({ length: deltas }, () => 'response.output_text.delta'),
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
  ].map((type) => [type, index]);

describe('messageItems', () => {
  it('one item per earlier step that wrote text, then the answer, even when empty', () => {
    const steps = [{ text: 'Let me check.' }, { text: '' }, { text: 'It is sunny.' }];
    expect(messageItems(steps, 'It is [sky].', false).map((item) => item.text)).toEqual([
      'Let me check.',
      'It is [sky].',
    ]);
    expect(messageItems([{ text: '' }], '', false).map((item) => item.text)).toEqual(['']);
    expect(messageItems(steps, '{"a":1}', true).map((item) => item.text)).toEqual(['{"a":1}']);
  });
});

describe('createMessageItemsStream', () => {
  it('opens an item at a step’s first delta, closes it when the next step writes', () => {
    const { events, items, delta } = writer();
    delta('Let me ', 1);
    delta('check.', 1);
    delta('It is sunny.', 3);
    const output = items.end({
      text: 'It is sunny.',
      lastStep: 3,
      answerOnly: false,
      status: 'completed',
    });
    expect(events.map((event) => [event.type, event['output_index']])).toEqual([
      ...oneItem(0, 2),
      ...oneItem(1, 1),
    ]);
    expect(output.map((item) => item.text)).toEqual(['Let me check.', 'It is sunny.']);
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(output.map((item) => item.id)).toEqual(
      added.map((event) => (event['item'] as { id: string }).id),
    );
  });

  it('an answer with no delta of its own is an item of its own, its one delta the settled text', () => {
    const { events, items, delta } = writer();
    delta('Let me check.', 1);
    const output = items.end({
      text: '{"sky":"sunny"}',
      lastStep: 2,
      answerOnly: true,
      status: 'incomplete',
    });
    expect(output.map((item) => item.text)).toEqual(['Let me check.', '{"sky":"sunny"}']);
    const last = events.filter((event) => event['output_index'] === 1);
    expect(last.map((event) => [event.type, event['output_index']])).toEqual(oneItem(1, 1));
    expect(last.at(-1)?.['item']).toMatchObject({ status: 'incomplete' });
  });

  it('a failure holds the items written so far, each the text sent in it as a guardrail left it', () => {
    const { items, delta, sent } = writer();
    delta('Let me look.', 1);
    delta('The code is 4417.', 2);
    sent.set(2, '');
    expect(items.sent().map((item) => item.text)).toEqual(['Let me look.', '']);
  });
});
