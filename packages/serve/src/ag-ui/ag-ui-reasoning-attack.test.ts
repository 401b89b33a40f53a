import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// Thought parts as a model or gateway sends them at the edges, read by `@ag-ui/client`'s
// HttpAgent with `thoughts: true`: signatures with no text, thoughts between answer text.

const types = (events: { type: string }[]) => events.map((event) => event.type);

describe('AG-UI reasoning events at the edges', () => {
  it('sends no empty reasoning span, and never a signature, for thought parts that carry only signatures', async () => {
    const { client, events, errors } = await serveAgUi(
      [
        turn.parts([
          { thought: true, thoughtSignature: 'c2lnbmF0dXJlLW9uZQ==' },
          { text: '', thought: true, thoughtSignature: 'c2lnbmF0dXJlLXR3bw==' },
          { text: 'Four.', thoughtSignature: 'c2lnbmF0dXJlLXRocmVl' },
        ]),
      ],
      { handler: { thoughts: true } },
    );
    const { seen, run } = await events(client(), 'What is 2+2?');
    expect(types(seen).some((type) => type.startsWith('REASONING'))).toBe(false);
    expect(JSON.stringify(seen)).not.toContain('c2lnbmF0dXJl');
    expect(run.result).toBe('Four.');
    expect(errors).toEqual([]);
  });

  it('keeps spans well formed when thoughts and answer text alternate in one response', async () => {
    const { client, events } = await serveAgUi(
      [
        turn.parts([
          { text: 'First thought.', thought: true },
          { text: 'Partial answer. ' },
          { text: 'Second thought.', thought: true },
          { text: 'Rest of the answer.' },
        ]),
      ],
      { handler: { thoughts: true } },
    );
    const { seen, run } = await events(client(), 'Go.');
    const shape = types(seen).filter(
      (type) => !type.endsWith('_CONTENT') && type !== 'STEP_STARTED' && type !== 'STEP_FINISHED',
    );
    // Every span opened is closed before another kind opens (HttpAgent verifies the order).
    let open: string | undefined;
    for (const type of shape) {
      if (type === 'REASONING_START' || type === 'TEXT_MESSAGE_START') {
        expect(open).toBeUndefined();
        open = type;
      }
      if (type === 'REASONING_END' || type === 'TEXT_MESSAGE_END') open = undefined;
    }
    expect(open).toBeUndefined();
    expect(run.result).toBe('Partial answer. Rest of the answer.');
    expect(run.newMessages.filter((message) => message.role === 'reasoning')).not.toHaveLength(0);
  });
});
