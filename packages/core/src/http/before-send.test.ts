import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from './create-gemini.ts';
import type { SendInfo } from './gemini.ts';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

/** A fake whose first and third requests fail with a retryable 503. */
async function serve(): Promise<{ fake: FakeGemini; gemini: ReturnType<typeof createGemini> }> {
  const fake = createFakeGemini({
    script: () => turn.text('ok'),
    faults: [{ fault: { type: 'overloaded' }, on: [0, 2] }],
  });
  fakes.push(fake);
  const { url } = await fake.listen();
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'k',
    retry: { initialDelayMs: 1, jitter: false },
  });
  return { fake, gemini };
}

describe('CallOptions.beforeSend', () => {
  it('admits every attempt (retries too) before it is sent, and hears when each was answered', async () => {
    const { fake, gemini } = await serve();
    // What the fake had received at each moment: the order of admissions, arrivals and answers.
    const log: string[] = [];
    const infos: SendInfo[] = [];
    const beforeSend = async (info: SendInfo) => {
      infos.push(info);
      log.push(`admit ${info.attempt} (fake has ${fake.requests.length})`);
      await Promise.resolve();
      return () => log.push(`answered ${info.attempt} (fake has ${fake.requests.length})`);
    };
    await gemini.generateContent(request, { beforeSend });
    for await (const _chunk of gemini.streamGenerateContent(request, { beforeSend })) {
      // drain
    }
    expect(log).toEqual([
      'admit 1 (fake has 0)',
      'answered 1 (fake has 1)',
      'admit 2 (fake has 1)',
      'answered 2 (fake has 2)',
      'admit 1 (fake has 2)',
      'answered 1 (fake has 3)',
      'admit 2 (fake has 3)',
      'answered 2 (fake has 4)',
    ]);
    expect(infos.map(({ method, model, attempt }) => ({ method, model, attempt }))).toEqual([
      { method: 'generateContent', model: 'models/gemini-2.5-flash', attempt: 1 },
      { method: 'generateContent', model: 'models/gemini-2.5-flash', attempt: 2 },
      { method: 'streamGenerateContent', model: 'models/gemini-2.5-flash', attempt: 1 },
      { method: 'streamGenerateContent', model: 'models/gemini-2.5-flash', attempt: 2 },
    ]);
    expect(infos.every((info) => info.timeoutMs === 120_000)).toBe(true);
  });

  it('tells an attempt that failed before any answer (connection refused) once', async () => {
    const fake = createFakeGemini({ script: () => turn.text('never') });
    const { url } = await fake.listen();
    await fake.close();
    const gemini = createGemini({ baseUrl: url, apiKey: 'k', retry: false });
    const answered: number[] = [];
    await expect(
      gemini.generateContent(request, {
        beforeSend:
          ({ attempt }) =>
          () =>
            answered.push(attempt),
      }),
    ).rejects.toThrow();
    expect(answered).toEqual([1]);
  });

  it('sends nothing when the admission fails or the caller aborts while it waits', async () => {
    const { fake, gemini } = await serve();
    const refused = new Error('no slot');
    await expect(
      gemini.generateContent(request, {
        beforeSend: async () => {
          throw refused;
        },
      }),
    ).rejects.toBe(refused);

    const controller = new AbortController();
    const waiting = gemini.generateContent(request, {
      signal: controller.signal,
      // Waits until the caller aborts, as a rate limit's wait does.
      beforeSend: ({ signal }) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
    });
    controller.abort(new Error('user left'));
    await expect(waiting).rejects.toThrow('user left');
    expect(fake.requests).toHaveLength(0);
  });

  it('ends at an abort even when the admission ignores the signal, and frees a late admission', async () => {
    const { fake, gemini } = await serve();
    let admit = (_answered: () => void) => {};
    let freed = 0;
    const controller = new AbortController();
    const waiting = gemini.generateContent(request, {
      signal: controller.signal,
      // A rate limit that never looks at the signal: it admits when a slot frees, whenever that is.
      beforeSend: () =>
        new Promise((resolve) => {
          admit = resolve;
        }),
    });
    controller.abort(new Error('user left'));
    await expect(waiting).rejects.toThrow('user left');
    // The slot it grants afterwards is handed back at once: the call will never use it.
    admit(() => freed++);
    await new Promise((resolve) => setImmediate(resolve));
    expect(freed).toBe(1);
    expect(fake.requests).toHaveLength(0);
  });

  it('admits every model call of an agent given in its callOptions', async () => {
    const { fake, gemini } = await serve();
    const admitted: string[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      callOptions: {
        beforeSend: ({ method, attempt }) => void admitted.push(`${method} ${attempt}`),
      },
    });
    expect((await agent.run('Hi')).text).toBe('ok');
    expect(admitted).toEqual(['generateContent 1', 'generateContent 2']);
    expect(fake.requests).toHaveLength(2);
  });

  it('ignores what the answered callback throws, and must be a function', async () => {
    const { gemini } = await serve();
    const response = await gemini.generateContent(request, {
      beforeSend: () => () => {
        throw new Error('observer bug');
      },
    });
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe('ok');
    await expect(
      gemini.generateContent(request, { beforeSend: 'yes' as never }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
