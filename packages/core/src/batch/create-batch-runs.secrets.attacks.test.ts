import { createGemini, defineTool } from '@gemloop/core';
import { createBatchRuns } from '@gemloop/core/batch';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack59: a batch run's tools run here between rounds, and what one throws goes to the model as
// its function response: into the next round's batch (a file or request kept at Google for the
// job's life), the saved state (`onState`, a file on disk) and the run's contents. A tool calling
// a Google API with the same key may fail with an error that quotes it. The agent scrubs what its
// tools throw with the client's redactor (tool-error-redaction.attacks.test.ts); batch runs sent
// the key on as it was.

const KEY = 'AIzaBatchRedaction-0123456789';
const GATEWAY_TOKEN = 'gw-batch-redaction-credential-42';

/** A Batch API double: round 1 calls `leaky` on every run, round 2 answers in text. */
function gateway() {
  const sent: string[] = [];
  let keys: string[] = [];
  let round = 0;
  const gemini = createGemini({
    apiKey: KEY,
    headers: { 'x-api-key': GATEWAY_TOKEN },
    baseUrl: 'https://gateway.test',
    retry: false,
    fetch: async (input, init) => {
      if (String(input).includes(':batchGenerateContent')) {
        round++;
        sent.push(String(init?.body));
        const body = JSON.parse(String(init?.body)) as {
          batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } };
        };
        keys = body.batch.inputConfig.requests.requests.map((each) => each.metadata.key);
        return Response.json({
          name: `batches/b${round}`,
          metadata: { state: 'BATCH_STATE_PENDING' },
        });
      }
      const parts =
        round === 1 ? [{ functionCall: { name: 'leaky', args: {} } }] : [{ text: 'Done.' }];
      return Response.json({
        name: `batches/b${round}`,
        done: true,
        metadata: {
          state: 'BATCH_STATE_SUCCEEDED',
          output: {
            inlinedResponses: {
              inlinedResponses: keys.map((key) => ({
                metadata: { key },
                response: {
                  candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }],
                },
              })),
            },
          },
        },
      });
    },
  });
  return { gemini, sent };
}

/** Runs `prompts` as a batch job whose one tool is `leaky`: what went out, what was saved, the end. */
async function runWith(leaky: Parameters<typeof createBatchRuns>[0]['tools'], prompts = ['Go.']) {
  const { gemini, sent } = gateway();
  const runs = createBatchRuns({
    gemini,
    model: 'gemini-2.5-flash',
    tools: leaky,
    pollIntervalMs: 0,
  });
  const saved: string[] = [];
  const done = await runs.run(runs.start(prompts), {
    onState: (state) => {
      saved.push(JSON.stringify(state));
    },
  });
  return { sent, saved, done };
}

describe('createBatchRuns: an argument check that throws quoting the client’s key', () => {
  it('keeps the key out of the next round', async () => {
    const leaky = defineTool({
      name: 'leaky',
      description: 'Looks its argument up upstream.',
      parameters: z.object({}).transform((): Record<string, never> => {
        throw new Error(`lookup refused key ${KEY}`);
      }),
      execute: () => 'never',
    });
    const { sent, done } = await runWith([leaky]);
    expect(done.runs[0]?.text).toBe('Done.');
    expect(sent[1]).toContain('lookup refused key');
    expect(sent.join('\n')).not.toContain(KEY);
  });
});

describe('createBatchRuns: a tool error with internal details and a whole error page', () => {
  it('gives the model what the agent gives it: no URL, path or address, cut at 1,000 characters', async () => {
    const leaky = defineTool({
      name: 'leaky',
      description: 'Calls an internal API.',
      parameters: z.object({}),
      execute: () => {
        throw new TypeError(
          `fetch https://billing.internal.corp:8443/v1/charge?token=tok_live_123 failed at /srv/app/billing.js from 10.0.3.7 ${'<html>'.repeat(1_000_000)}`,
        );
      },
    });
    const { sent, done } = await runWith([leaky]);
    expect(done.runs[0]?.text).toBe('Done.');
    const body = JSON.parse(sent[1] as string) as {
      batch: {
        inputConfig: {
          requests: {
            requests: Array<{
              request: {
                contents: Array<{
                  parts: Array<{ functionResponse?: { response: { error?: string } } }>;
                }>;
              };
            }>;
          };
        };
      };
    };
    const error = body.batch.inputConfig.requests.requests[0]?.request.contents
      .flatMap((content) => content.parts)
      .find((part) => part.functionResponse !== undefined)?.functionResponse?.response.error;
    expect(error).toMatch(/^leaky failed: TypeError: fetch /);
    expect(error?.length).toBeLessThanOrEqual(1_100);
    for (const detail of ['billing.internal.corp', 'tok_live_123', '/srv/app', '10.0.3.7']) {
      expect(sent.join('\n')).not.toContain(detail);
      expect(JSON.stringify(done)).not.toContain(detail);
    }
  });
});

describe('createBatchRuns: a tool error that quotes the client’s credentials', () => {
  it.each<[string, () => unknown]>([
    ['in its message', () => new Error(`upstream refused key ${KEY}`)],
    [
      'deep in its cause chain',
      () => new Error('upstream failed', { cause: { headers: { 'x-goog-api-key': KEY } } }),
    ],
    ['quoting a header credential', () => new Error(`gateway refused x-api-key ${GATEWAY_TOKEN}`)],
  ])(
    'keeps the secret %s out of the next round, the saved state and the contents',
    async (_label, make) => {
      const leaky = defineTool({
        name: 'leaky',
        description: 'Calls an upstream API.',
        parameters: z.object({}),
        execute: () => {
          throw make();
        },
      });
      const { sent, saved, done } = await runWith([leaky], ['Go.', 'Go too.']);
      expect(done.runs.map((run) => run.text)).toEqual(['Done.', 'Done.']);
      expect(sent).toHaveLength(2);
      // The second round answers the calls with the tool's failure, the secret scrubbed from it.
      expect(sent[1]).toContain('functionResponse');
      for (const secret of [KEY, GATEWAY_TOKEN]) {
        expect(sent.join('\n')).not.toContain(secret);
        expect(saved.join('\n')).not.toContain(secret);
        expect(JSON.stringify(done)).not.toContain(secret);
      }
    },
  );
});
