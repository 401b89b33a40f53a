import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import { modelCallEntryOf } from '../http/model-call-entry.ts';
import type { Redactor } from '../shared/client-redactor.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import {
  callWith as call,
  keyWalkObservation as observed,
} from './__fixtures__/key-walk-observation.ts';

// The observers' key walk remembers the long texts it found clean for the run (redact-memo). A
// memo is a place a key could hide: none of these may reach an observer. Each text is past the
// memo's 256 characters, and most are long enough (over 16,383) that V8 hashes them by length.

const KEY = 'AIzaMemoAttackKey-0123456789abcdef';
const LATER = 'sk-memo-learned-later-0123456789';
const FILL = 'y'.repeat(20_000);
/** A text as long as FILL with `secret` at its end: same length, V8's same hash. */
const endingWith = (secret: string) => `${FILL.slice(secret.length)}${secret}`;

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('the key walk’s memo never hides a key (redact-memo)', () => {
  // The client's redaction, over a list that may grow (a client learns credentials as it runs).
  const secrets = [KEY];
  const redact: Redactor = (value, held) => scrubSecrets(value, secrets, undefined, held);
  afterEach(() => {
    secrets.splice(1);
  });

  it('a part found clean at one step, holding the key at the next (changed in place)', () => {
    const { observation, told } = observed(redact);
    const part: { text: string } = { text: FILL };
    call(observation, [{ role: 'model', parts: [part] }]);
    expect(told()).toContain(FILL);
    part.text = endingWith(KEY);
    call(observation, [{ role: 'model', parts: [part] }]);
    const second = told();
    expect(second).not.toContain(KEY);
    expect(second).toContain('[redacted]');
  });

  it('a text holding the key is redacted each time it is met, never remembered', () => {
    const { observation, told } = observed(redact);
    const part = { text: endingWith(KEY) };
    for (let step = 0; step < 3; step++) {
      call(observation, [{ role: 'model', parts: [part] }]);
      observation.stepEnd({ stepNumber: step, content: { parts: [part] } } as never);
      expect(told()).not.toContain(KEY);
    }
  });

  it('a text with the key at another holder, beside the same text found clean', () => {
    const { observation, told } = observed(redact);
    const keyed = endingWith(KEY);
    const clean = { text: FILL };
    call(observation, [{ parts: [clean] }]);
    told();
    // The same strings (one object each), at other holders and in other records.
    observation.toolCall({ toolName: 't', args: { a: keyed, b: FILL, c: [keyed] } } as never);
    observation.event?.({ type: 'text', text: keyed, parts: [clean, { text: keyed }] } as never, 1);
    observation.end({ result: { text: keyed, contents: [{ parts: [clean] }] } } as never, 2);
    const text = told();
    expect(text).not.toContain(KEY);
    expect(text.split('[redacted]')).toHaveLength(6);
  });

  it('a long property name: found clean once, then with the key beside it or in its place', () => {
    const { observation, told } = observed(redact);
    const args: Record<string, unknown> = { [FILL]: FILL };
    observation.toolCall({ toolName: 't', args } as never);
    told();
    args[endingWith(KEY)] = 1;
    observation.toolCall({ toolName: 't', args } as never);
    delete args[FILL];
    observation.toolCall({ toolName: 't', args } as never);
    // A long name whose value is the same long text: the name's memo and the value's are apart.
    observation.toolCall({ toolName: 't', args: { [endingWith(KEY)]: endingWith(KEY) } } as never);
    expect(told()).not.toContain(KEY);
  });

  it('a credential the client learns after a text was found clean', () => {
    const { observation, told } = observed(redact);
    const part = { text: endingWith(LATER) };
    call(observation, [{ parts: [part] }]);
    expect(told()).toContain(LATER);
    secrets.push(LATER);
    call(observation, [{ parts: [part] }]);
    expect(told()).not.toContain(LATER);
  });

  it('through a real client: a call header’s credential learned mid-run', async () => {
    const fake = createFakeGemini({ script: [turn.text('ok')] });
    fakes.push(fake);
    const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
    const { observation, told } = observed(modelCallEntryOf(gemini).redact);
    const part = { text: endingWith(LATER) };
    call(observation, [{ parts: [part] }]);
    expect(told()).toContain(LATER);
    // The client learns a call's own credential headers: its redactor removes them from then on.
    await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
      { headers: { 'x-session-token': LATER } },
    );
    call(observation, [{ parts: [part] }]);
    const after = told();
    expect(after).not.toContain(LATER);
    expect(after).toContain('[redacted]');
    // And its own key, in a long text and a long name, at the same holder as a clean one was.
    const args: Record<string, unknown> = { [FILL]: FILL };
    observation.toolCall({ toolName: 't', args } as never);
    // Read now: a clean record is the run's own object, which the next lines change.
    expect(told()).toContain(FILL);
    args[FILL] = endingWith(KEY);
    args[endingWith(KEY)] = 1;
    observation.toolCall({ toolName: 't', args } as never);
    expect(told()).not.toContain(KEY);
  });
});
