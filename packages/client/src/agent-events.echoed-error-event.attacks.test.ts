import { describe, expect, it } from 'vitest';
import { frame, scriptedServer } from './__fixtures__/scripted-server.ts';
import { agentEvents } from './agent-events.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// attack58b kept the page's credential headers out of the HTTP error bodies a ClientError quotes,
// and leftovers (read-event-messages.echoed-credentials) out of the protocol errors. A run's own
// `error` event was handed to the page as the server wrote it: a server (or a gateway's auth
// layer in front of the model) that echoes the request's headers in its error words put the
// page's credential in `error.message`, which `onError` logs, the chat state holds, a page saves
// with its messages (useAgentChat's onResumePoint) and `toPageMessage` shows: it hides a key only
// by a vendor's shape, and a Basic credential or an app's own API key has none.

const BASIC = 'Basic dXNlcjpodW50ZXIyLWxvbmc=';
const API_KEY = 'k3y-of-the-page-7731';
const headers = { authorization: BASIC, 'x-api-key': API_KEY };

const start = { type: 'start', path: [], runId: 'r1', protocol: 1 };
const echoed = {
  type: 'error',
  path: [],
  error: {
    name: `Refused ${API_KEY}`,
    code: `denied:${API_KEY}`,
    message: `The gateway refused x-api-key=${API_KEY} with authorization "${BASIC}" (token dXNlcjpodW50ZXIyLWxvbmc=).`,
  },
};
const finish = { type: 'finish', path: [], outcome: 'error', finishReason: undefined };

async function echoingServer(): Promise<string> {
  const server = await scriptedServer((response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(frame(0, start) + frame(1, echoed) + frame(2, finish));
  });
  return server.url;
}

describe('a run error event that echoes the page credential headers', () => {
  it('agentEvents hands it out with the credentials redacted, the rest of its words kept', async () => {
    const url = await echoingServer();
    const errors: unknown[] = [];
    for await (const event of agentEvents(url, { headers })) {
      if (event.type === 'error') errors.push(event.error);
    }
    expect(errors).toHaveLength(1);
    const seen = JSON.stringify(errors);
    expect(seen).not.toContain(API_KEY);
    expect(seen).not.toContain('dXNlcjpodW50ZXIyLWxvbmc=');
    expect(errors[0]).toEqual({
      name: 'Refused [redacted]',
      code: 'denied:[redacted]',
      message:
        'The gateway refused x-api-key=[redacted] with authorization "[redacted]" (token [redacted]).',
    });
  });

  it('neither streamAgent onEvent nor toPageMessage of the error shows them', async () => {
    const url = await echoingServer();
    const shown: string[] = [];
    await streamAgent(url, {
      headers,
      onEvent: (event) => {
        if (event.type === 'error') shown.push(JSON.stringify(event), toPageMessage(event.error));
      },
    });
    expect(shown).toHaveLength(2);
    for (const text of shown) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain('dXNlcjpodW50ZXIyLWxvbmc=');
    }
  });
});
