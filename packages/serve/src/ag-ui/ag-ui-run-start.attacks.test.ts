import type { BaseEvent } from '@ag-ui/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { TRACER_SECRET, tracerThatThrows } from '../door/__fixtures__/tracer-that-throws.ts';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// doors67: an AG-UI run that fails as it starts (here the door's tracer throws as it opens the
// span, before the agent's run exists), as openai67 found on the OpenAI door's streams. The door
// answered it as a request it could not serve: an HTTP 500 before any event, which
// `@ag-ui/client`'s HttpAgent throws from `runAgent` (its `onRunFailed`), where a run that fails
// a moment later is a RUN_ERROR event (`onRunErrorEvent`) with the door's words and code, and
// `runAgent` resolves. A page built on the events (CopilotKit) told the two apart.

describe('an AG-UI run that fails as it starts (doors67)', () => {
  it('is a RUN_ERROR in fixed words, as any failed run; onError told once; the thread runs next', async () => {
    const { client, errors } = await serveAgUi(() => turn.text('Answered.'), {
      handler: { tracerProvider: tracerThatThrows() },
    });
    const http = client('alice', 't-1');
    const seen: BaseEvent[] = [];
    const failures: unknown[] = [];
    http.subscribe({
      onEvent: ({ event }) => void seen.push(event),
      onRunFailed: ({ error }) => void failures.push(error),
    });
    http.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'Hi.' });
    await http.runAgent({});
    expect(failures).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(TRACER_SECRET);
    expect(seen.map((event) => event.type)).toEqual(['RUN_STARTED', 'RUN_ERROR']);
    expect(seen.at(-1)).toMatchObject({ message: 'The run failed.' });
    expect(errors).toHaveLength(1);
    http.addMessage({ id: crypto.randomUUID(), role: 'user', content: 'Again.' });
    seen.length = 0;
    await http.runAgent({});
    expect(seen.at(-1)?.type).toBe('RUN_FINISHED');
    expect(errors).toHaveLength(1);
  });
});
