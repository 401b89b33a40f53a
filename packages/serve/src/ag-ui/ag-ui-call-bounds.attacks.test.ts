import type { BaseEvent } from '@ag-ui/core';
import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack27 left: the AG-UI door sent a call's id and arguments as the model wrote them, unbounded.
// `@ag-ui/client` 1.0 sets no event limit, but a page holds (and renders) what it is sent: a 2 MB
// argument and a 1.5 MB id made events of megabytes. The door now bounds them as the browser
// protocol and the A2A door do (`boundedArgs`, `boundedCallId` of `@gemloop/core/internal`): an id
// past 256 characters is cut and hashed, arguments past 100,000 characters of JSON are sent as `{}`.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q.length }),
});

type CallEvent = BaseEvent & { toolCallId?: string; delta?: string };

describe('the AG-UI door and a call’s id and arguments (attack27’s leftover)', () => {
  it('a 2 MB argument and a 1.5 MB id: small events, the call and its result under one id', async () => {
    const long = 'x'.repeat(1_500_000);
    const { client, events } = await serveAgUi(
      [
        turn.parts([
          { functionCall: { id: long, name: 'lookup', args: { q: 'y'.repeat(2_000_000) } } },
          { functionCall: { id: `${long}z`, name: 'lookup', args: { q: 'small' } } },
        ]),
        turn.text('Done.'),
      ],
      { agent: { tools: [lookup] as never } },
    );
    const http = client('alice', 'bounds');
    const { seen } = await events(http, 'Look it up.');
    const calls = seen.filter((event) => event.type.startsWith('TOOL_CALL')) as CallEvent[];
    for (const event of calls) expect(JSON.stringify(event).length).toBeLessThan(1_000);
    const starts = calls.filter((event) => event.type === 'TOOL_CALL_START');
    const ids = starts.map((event) => event.toolCallId as string);
    // Two long ids that share their first 240 characters stay apart.
    expect(new Set(ids).size).toBe(2);
    // `<runId>.<id>`: the run id (a UUID from HttpAgent) and the model's id, cut at 256.
    for (const id of ids) expect(id.length).toBeLessThan(400);
    const deltas = calls.filter((event) => event.type === 'TOOL_CALL_ARGS');
    expect(deltas.map((event) => event.delta)).toEqual(['{}', '{"q":"small"}']);
    const results = calls.filter((event) => event.type === 'TOOL_CALL_RESULT');
    // Each call's result under its call's id, in the order the two parallel calls settle.
    expect(results.map((event) => event.toolCallId).toSorted()).toEqual(ids.toSorted());
    expect(http.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Done.' });
  });
});

describe('the AG-UI door and an undeclared tool’s 2 MB name and id (doors-bounds41)', () => {
  // `toolCallName` (TOOL_CALL_START, and the snapshot's `function.name`) was the model's name
  // whole: a 2 MB made-up name was a 2 MB event to the client. A declared name is at most 128
  // characters (check-tool-name.ts); a longer one is cut with a note, as the page's events cut it.
  it('small events, no key, the call and its result under one id', async () => {
    const key = 'gemini-secret-key';
    const name = `${'k'.repeat(110)}${key}${'n'.repeat(2_000_000)}`;
    const id = `${'i'.repeat(200)}${key}${'d'.repeat(2_000_000)}`;
    const { client, events, fake } = await serveAgUi(
      [turn.parts([{ functionCall: { id, name, args: {} } }]), turn.text('Done.')],
      { agent: { tools: [lookup] as never } },
    );
    const http = client('alice', 'undeclared');
    const { seen } = await events(http, 'Call it.');
    const all = JSON.stringify(seen);
    expect(all).not.toContain(key);
    for (const event of seen) expect(JSON.stringify(event).length).toBeLessThan(4_000);
    const start = seen.find((event) => event.type === 'TOOL_CALL_START') as
      | (CallEvent & { toolCallName?: string })
      | undefined;
    expect(start?.toolCallName).toContain('characters omitted');
    expect(start?.toolCallName?.length).toBeLessThan(200);
    const result = seen.find((event) => event.type === 'TOOL_CALL_RESULT') as CallEvent;
    expect(result.toolCallId).toBe(start?.toolCallId);
    expect(JSON.stringify(http.messages)).not.toContain(key);
    expect(JSON.stringify(http.messages).length).toBeLessThan(8_000);
    expect(http.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Done.' });
    // The model was answered under the name it called (the Gemini wire echoes it).
    expect(JSON.stringify(fake.requests[1]?.body).length).toBeGreaterThan(name.length);
  });
});
