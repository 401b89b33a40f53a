import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveAgUi } from './__fixtures__/serve-ag-ui.ts';

// attack51: an agent with an `output` schema behind the AG-UI door. An answer the schema refused
// streamed as an assistant message, and the model was asked again: `@ag-ui/client`'s HttpAgent
// kept both answers among its messages, the refused `{"city": 42}` shown as the agent's before
// the JSON the run ended with. The door now takes the refused answer back as it takes back a
// guardrail's (a `MESSAGES_SNAPSHOT` without it); the thread on the server keeps the history
// the model was sent, verbatim.

const City = z.object({ city: z.string(), country: z.string() });
const ANSWER = '{"city":"Paris","country":"France"}';

describe('the AG-UI door and a re-asked structured answer (attack51)', () => {
  it("HttpAgent holds the run's answer only, not the one the schema refused", async () => {
    const { client, events, fake } = await serveAgUi(
      [turn.text('{"city": 42}'), turn.text(ANSWER)],
      {
        agent: { output: City, model: 'gemini-3-flash-preview' },
      },
    );
    const http = client('alice', 'city-thread');
    const { seen } = await events(http, 'Capital of France?');
    expect(seen.some((event) => event.type === 'MESSAGES_SNAPSHOT')).toBe(true);
    expect(
      http.messages.map((message) => [
        message.role,
        'content' in message ? message.content : undefined,
      ]),
    ).toEqual([
      ['user', 'Capital of France?'],
      ['assistant', ANSWER],
    ]);
    // The model was sent its refused answer and the note: the history stays as it was.
    const sent = JSON.stringify(fake.modelRequests.at(-1)?.body);
    expect(sent).toContain('{\\"city\\": 42}');
  });
});
