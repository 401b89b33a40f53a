import { defineTool } from '@gemloop/core';
import { definePlugin } from '@gemloop/core/plugins';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack54: a plugin masking a tool result (`afterToolCall` → `{ result }`) kept the value from
// the model, but `TOOL_CALL_RESULT` carried the call's `output`, the tool's own value: the AG-UI
// client got the SSN the model never saw (seen before the fix), and the same door's snapshot
// (the stored history) had it masked. The door shows what the model got.

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a customer up.',
  parameters: z.object({ q: z.string() }),
  execute: () => ({ name: 'Ann', ssn: '123-45-6789' }),
});
const mask = definePlugin({
  name: 'mask-ssn',
  afterToolCall: (call) => ({
    result: JSON.parse(JSON.stringify(call.result).replaceAll(/\d{3}-\d{2}-\d{4}/g, '[masked]')),
  }),
});

describe('the AG-UI door and a result a plugin masked (attack54)', () => {
  it('TOOL_CALL_RESULT and the client’s messages hold the masked result only', async () => {
    const { client, events, fake } = await serveAgUi(
      [turn.call('lookup', { q: 'Ann' }), turn.text('Done.')],
      { agent: { tools: [lookup] as never, plugins: [mask] as never } },
    );
    const http = client('alice', 'masked');
    const { seen } = await events(http, 'Look Ann up.');
    const results = seen.filter((event) => event.type === 'TOOL_CALL_RESULT');
    expect(results.map((event) => (event as { content?: string }).content)).toEqual([
      '{"name":"Ann","ssn":"[masked]"}',
    ]);
    expect(JSON.stringify(seen)).not.toContain('123-45-6789');
    expect(JSON.stringify(http.messages)).not.toContain('123-45-6789');
    // The model got the masked one too.
    expect(JSON.stringify(fake.requests[1])).toContain('[masked]');
  });
});
