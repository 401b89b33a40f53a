import { afterEach, describe, expect, it, vi } from 'vitest';
import { refundBehindApproval } from '../door/__fixtures__/refund-behind-approval.ts';
import { authorizeByKey, KEYS } from '../openai/__fixtures__/serve-openai.ts';
import { createAgUiHandler } from './create-ag-ui-handler.ts';

// An interrupt nobody answers: the AG-UI run that showed it has ended, so no client reads what
// the gemloop run does next. At the broker's timeout (15 minutes) the run was denied the call and
// went on with one more model call, its answer for no one. Now the run ends there, with no model
// call, and a late resume is told the interrupt expired. On fake time (the broker's own timer),
// the handler called in process: faked timers under a real socket would fake undici's too.

afterEach(() => {
  vi.useRealTimers();
});

const input = (runId: string, extra: Record<string, unknown> = {}) =>
  new Request('http://127.0.0.1/agent', {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      threadId: 't1',
      runId,
      messages: [{ id: 'm1', role: 'user', content: 'Refund A-7.' }],
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
      ...extra,
    }),
  });

describe('an AG-UI interrupt left unanswered past the approval timeout', () => {
  it('ends the run without a model call, and a late resume gets 409 interrupt_expired', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    const { agent, fake, errors, onError, approvals, refunded } = refundBehindApproval();
    const handler = createAgUiHandler({ agent, authorize: authorizeByKey, approvals, onError });

    const shown = await (await handler(input('r1'))).text();
    const interrupt = /"interrupts":\[\{"id":"([^"]+)"[^}]*"expiresAt":"([^"]+)"/.exec(shown);
    expect(interrupt).not.toBeNull();
    const [, interruptId, expiresAt] = interrupt as RegExpExecArray;
    // The interrupt says when it expires (AG-UI's field): the broker's 15 minutes from now.
    expect(Date.parse(expiresAt as string) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(fake.requests).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(15 * 60_000);
    const late = await handler(
      input('r2', { resume: [{ interruptId, status: 'resolved', payload: { approved: true } }] }),
    );
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: 'interrupt_expired' } });
    // No model call was made to tell the model of a denial nobody would read; the call never ran.
    expect(fake.requests).toHaveLength(1);
    expect(refunded).toEqual([]);
    expect(errors).toEqual([]);
    // The thread goes on with a new message.
    const next = await handler(input('r3'));
    expect(next.status).toBe(200);
    expect(await next.text()).toContain('I could not refund it.');
  });
});
