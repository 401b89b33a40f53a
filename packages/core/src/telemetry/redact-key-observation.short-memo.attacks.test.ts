import { afterEach, describe, expect, it } from 'vitest';
import type { Redactor } from '../shared/client-redactor.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import {
  callWith as call,
  keyWalkObservation as observed,
} from './__fixtures__/key-walk-observation.ts';

// observe67: the observers' key walk remembers the short texts and property names it found clean
// for the run by their characters alone, per list of secrets. A memo is a place a key could
// hide: none of these may reach an observer. Every text here is under 256 characters.

const KEY = 'AIzaShortAttackKey-0123456789abcdefg';
const LATER = 'sess-learned-later-42';
const SAME_LENGTH = 'sess-replaced-key--42';
// Another vendor's key by its shape (a GitHub token), which no list holds.
const SHAPED = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';

describe('the key walk’s short-text memo never hides a key (observe67)', () => {
  // The client's redaction, over a list that may change in place (a client learns credentials).
  const secrets = [KEY];
  const redact: Redactor = (value, held) => scrubSecrets(value, secrets, undefined, held);
  afterEach(() => {
    secrets.splice(0, secrets.length, KEY);
  });

  it('a short text found clean, then holding a credential the client learns', () => {
    const { observation, told } = observed(redact);
    const text = `token ${LATER}`;
    call(observation, [{ parts: [{ text }] }]);
    expect(told()).toContain(LATER);
    secrets.push(LATER);
    // The same string, the same holder: scanned again for the longer list.
    call(observation, [{ parts: [{ text }] }]);
    observation.toolCall({ toolName: 't', args: { [text]: text } } as never);
    const after = told();
    expect(after).not.toContain(LATER);
    expect(after.split('[redacted]')).toHaveLength(4);
  });

  it('a list changed in place to another of the same length', () => {
    const { observation, told } = observed(redact);
    secrets.push(LATER);
    const text = `token ${SAME_LENGTH}`;
    call(observation, [{ parts: [{ text }] }]);
    expect(told()).toContain(SAME_LENGTH);
    // Same array, same length, one secret replaced: not the list the text was found clean for.
    secrets[1] = SAME_LENGTH;
    call(observation, [{ parts: [{ text }] }]);
    expect(told()).not.toContain(SAME_LENGTH);
  });

  it('a key shape in a short media part’s data, then the same characters as text and a name', () => {
    const { observation, told } = observed(redact);
    const media = { inlineData: { mimeType: 'text/plain', data: SHAPED } };
    call(observation, [{ parts: [media] }]);
    call(observation, [{ parts: [{ text: SHAPED }] }]);
    observation.toolCall({ toolName: 't', args: { [SHAPED]: SHAPED } } as never);
    const text = told();
    expect(text).not.toContain(SHAPED);
    expect(text.split('[redacted]')).toHaveLength(5);
  });

  it('a short text holding the key, met at every step and as a name, each time redacted', () => {
    const { observation, told } = observed(redact);
    const part = { text: `key=${KEY}` };
    for (let step = 0; step < 3; step++) {
      call(observation, [{ role: 'model', parts: [part] }]);
      observation.toolCall({ toolName: 't', args: { [part.text]: part.text } } as never);
      expect(told()).not.toContain(KEY);
    }
  });

  it('a short part found clean, changed in place to hold the key', () => {
    const { observation, told } = observed(redact);
    const part = { text: 'x'.repeat(KEY.length) };
    call(observation, [{ parts: [part] }]);
    told();
    part.text = KEY;
    call(observation, [{ parts: [part] }]);
    expect(told()).not.toContain(KEY);
  });

  it('a tree’s two lists: a short text with the other client’s key, beside clean ones', () => {
    const other = [LATER];
    // As observe-run.ts's treeRedact: the client's redaction, then the tree's other keys.
    const tree: Redactor = (value, held) =>
      scrubSecrets(redact(value, held), other, undefined, held);
    const { observation, told } = observed(tree);
    call(observation, [{ parts: [{ text: 'clean' }, { text: `the helper's ${LATER}` }] }]);
    call(observation, [{ parts: [{ text: 'clean' }, { text: `the helper's ${LATER}` }] }]);
    const text = told();
    expect(text).not.toContain(LATER);
    expect(text).toContain('clean');
  });
});
