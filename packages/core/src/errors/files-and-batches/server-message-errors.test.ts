import { describe, expect, it } from 'vitest';
import { AgentBackgroundError } from '../interactions/agent-background-error.ts';
import { WebhookSignatureError } from '../interactions/webhook-signature-error.ts';
import { StreamError } from '../stream-error.ts';
import { BatchJobError } from './batch-job-error.ts';
import { FileNotFoundError } from './file-not-found-error.ts';
import { FileProcessingError } from './file-processing-error.ts';
import { FileSearchOperationError } from './file-search-operation-error.ts';
import { InteractionFailedError } from './interaction-failed-error.ts';

// These errors quote text a server (or a hostile endpoint) chose: the quote is bounded, and a cut
// never leaves half of a surrogate pair, which a strict UTF-8 or JSON reader (a page, a span
// exporter, a log shipper) refuses or turns into U+FFFD.

/** Whether `text` holds a high surrogate not followed by a low one, or a lone low surrogate. */
function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

// 999 ASCII characters then emoji: a cut at 1,000 UTF-16 units falls inside the first emoji.
const emojiAt999 = `${'x'.repeat(999)}${'😀'.repeat(10)}`;
const emojiAt199 = `${'x'.repeat(199)}${'😀'.repeat(10)}`;
const emojiAt99 = `${'x'.repeat(99)}${'😀'.repeat(10)}`;
const emojiAt511 = `${'x'.repeat(511)}${'😀'.repeat(10)}`;

describe('BatchJobError', () => {
  it("says the batch ended in its state, quoting the server's message, so it has no results", () => {
    const error = new BatchJobError({
      batchName: 'batches/123',
      state: 'JOB_STATE_FAILED',
      error: { code: 3, message: 'Invalid request in line 4' },
    });
    expect(error.message).toBe(
      'The batch batches/123 ended in JOB_STATE_FAILED: Invalid request in line 4, so it has no results.',
    );
    expect(error).toMatchObject({
      code: 'batch-job',
      batchName: 'batches/123',
      state: 'JOB_STATE_FAILED',
    });
    expect(error.error).toEqual({ code: 3, message: 'Invalid request in line 4' });
    expect(BatchJobError.isInstance(error)).toBe(true);
  });

  it('says "an error" when the state is missing and leaves out a message that is not a string', () => {
    const error = new BatchJobError({
      batchName: 'batches/9',
      state: undefined,
      error: { code: 13, message: { nested: true } as unknown as string },
    });
    expect(error.message).toBe('The batch batches/9 ended in an error, so it has no results.');
  });

  it('bounds a megabyte message and state, and keeps the whole message on error', () => {
    const huge = 'm'.repeat(1_000_000);
    const error = new BatchJobError({
      batchName: 'batches/1',
      state: 's'.repeat(10_000),
      error: { message: huge },
    });
    expect(error.message.length).toBeLessThan(1_300);
    expect(error.error?.message).toBe(huge);
  });

  it('never cuts an emoji of the message or the state in half', () => {
    const error = new BatchJobError({
      batchName: 'batches/1',
      state: emojiAt99,
      error: { message: emojiAt999 },
    });
    expect(hasLoneSurrogate(error.message)).toBe(false);
    expect(error.message).toContain(`${'x'.repeat(999)}, so it has`);
    expect(error.message).toContain(`${'x'.repeat(99)}: `);
  });
});

describe('InteractionFailedError', () => {
  it("names the interaction and how it ended, with the server's message", () => {
    const error = new InteractionFailedError({
      interactionId: 'v1_abc',
      status: 'failed',
      error: { code: 500, message: 'backend crashed' },
    });
    expect(error.message).toBe(
      'Interaction v1_abc ended failed: backend crashed, with no answer for the run.',
    );
    expect(error).toMatchObject({
      code: 'interaction-failed',
      interactionId: 'v1_abc',
      status: 'failed',
    });
    expect(InteractionFailedError.isInstance(error)).toBe(true);
  });

  it('reads no message from an error that is not an object with a string message', () => {
    for (const failure of [undefined, null, 'text', 42, { message: 7 }]) {
      const error = new InteractionFailedError({
        interactionId: 'i',
        status: 'cancelled',
        error: failure,
      });
      expect(error.message).toBe('Interaction i ended cancelled, with no answer for the run.');
      expect(error.error).toBe(failure);
    }
  });

  it('bounds a hostile id, status and message without splitting an emoji', () => {
    const error = new InteractionFailedError({
      interactionId: emojiAt511,
      status: emojiAt99,
      error: { message: emojiAt999 },
    });
    expect(error.message.length).toBeLessThan(1_700);
    expect(hasLoneSurrogate(error.message)).toBe(false);
    expect(error.interactionId).toBe(emojiAt511);
  });
});

describe('StreamError', () => {
  it('keeps at most 1,000 characters of the event, and a short one whole', () => {
    const error = new StreamError({
      reason: 'malformed-json',
      chunksDelivered: 2,
      event: 'e'.repeat(5_000),
      message: 'bad chunk',
    });
    expect(error.event?.length).toBe(1_000);
    expect(error).toMatchObject({ code: 'stream', reason: 'malformed-json', chunksDelivered: 2 });
    expect(
      new StreamError({ reason: 'truncated', chunksDelivered: 0, event: '{"a":1', message: 'm' })
        .event,
    ).toBe('{"a":1');
    expect(
      new StreamError({ reason: 'connection', chunksDelivered: 0, message: 'm' }).event,
    ).toBeUndefined();
  });
});

describe('WebhookSignatureError and AgentBackgroundError', () => {
  it("bound the webhook id and the agent's name a request chose, whole emoji only", () => {
    const webhook = new WebhookSignatureError({
      reason: 'bad-signature',
      message: 'The signature does not match.',
      webhookId: emojiAt199,
    });
    expect(webhook.webhookId?.length).toBeLessThanOrEqual(200);
    expect(hasLoneSurrogate(webhook.webhookId ?? '')).toBe(false);
    const agent = new AgentBackgroundError({ agent: emojiAt199, rule: 'needs-background' });
    expect(hasLoneSurrogate(agent.message)).toBe(false);
    expect(agent.agent).toBe(emojiAt199);
  });

  it('tells a foreground-only agent to drop background, and a background-only one to set it', () => {
    const needs = new AgentBackgroundError({ agent: 'deep-research', rule: 'needs-background' });
    expect(needs.message).toContain('set request.background to true');
    const refuses = new AgentBackgroundError({
      agent: 'x',
      rule: 'refuses-background',
      argument: 'options',
    });
    expect(refuses.message).toContain('remove options.background');
    expect(AgentBackgroundError.isInstance(refuses)).toBe(true);
    expect(WebhookSignatureError.isInstance(refuses)).toBe(false);
  });
});

describe('the file errors', () => {
  it('FileNotFoundError says files live 48 hours unless given its own message', () => {
    const error = new FileNotFoundError({ fileName: 'files/abc', status: 404 });
    expect(error.message).toBe(
      'The file files/abc does not exist or has expired (files live 48 hours after upload): upload it again.',
    );
    expect(new FileNotFoundError({ fileName: 'f', message: 'custom' }).message).toBe('custom');
  });

  it('FileProcessingError names the state and the reason, and leaves out a missing reason', () => {
    expect(
      new FileProcessingError({ fileName: 'files/v', state: 'FAILED', reason: 'bad codec' })
        .message,
    ).toBe(
      'The file files/v failed processing (state FAILED): bad codec. Check the media and its mimeType, then upload it again.',
    );
    expect(new FileProcessingError({ fileName: 'files/v', state: 'FAILED' }).message).toBe(
      'The file files/v failed processing (state FAILED). Check the media and its mimeType, then upload it again.',
    );
  });

  it('FileSearchOperationError keeps the status code as data, not in the message', () => {
    const error = new FileSearchOperationError({
      operationName: 'fileSearchStores/s/operations/o',
      statusCode: 3,
      reason: 'unsupported type',
    });
    expect(error.message).toBe(
      "The File Search operation fileSearchStores/s/operations/o failed: unsupported type. Check the file's type and content, then upload or import it again.",
    );
    expect(error).toMatchObject({
      code: 'file-search-operation',
      statusCode: 3,
      reason: 'unsupported type',
    });
  });

  it('each class recognises its own errors only', () => {
    const errors = [
      new FileNotFoundError({ fileName: 'f' }),
      new FileProcessingError({ fileName: 'f', state: 'FAILED' }),
      new FileSearchOperationError({ operationName: 'o' }),
      new BatchJobError({ batchName: 'b', state: 'X' }),
      new InteractionFailedError({ interactionId: 'i', status: 'failed' }),
    ];
    const checks = [
      FileNotFoundError.isInstance,
      FileProcessingError.isInstance,
      FileSearchOperationError.isInstance,
      BatchJobError.isInstance,
      InteractionFailedError.isInstance,
    ];
    for (const [row, error] of errors.entries()) {
      expect(checks.map((check) => check(error))).toEqual(
        checks.map((_, column) => column === row),
      );
    }
  });
});
