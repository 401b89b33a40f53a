import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../state/seeded-random.ts';
import { issueFakeSignature, verifyFakeSignature } from './fake-signatures.ts';

// The fake's thought signatures: opaque base64 to the client, like Google's (which start with
// "E"), but recognisable by the fake, so it can refuse a signature it never issued or one
// issued for another model, as the API refuses them.

const random = () => createSeededRandom(11);

describe('fake thought signatures', () => {
  it('issues standard base64 that starts with "E", as real signatures do', () => {
    const signature = issueFakeSignature(random(), 'gemini-3-flash-preview');
    expect(signature).toMatch(/^E[A-Za-z0-9+/]+=*$/);
    expect(signature.length % 4).toBe(0);
  });

  it('verifies its own signature for the model, with or without models/', () => {
    const signature = issueFakeSignature(random(), 'models/gemini-3-flash-preview');
    expect(verifyFakeSignature(signature, 'gemini-3-flash-preview')).toBe('valid');
    expect(verifyFakeSignature(signature, 'models/gemini-3-flash-preview')).toBe('valid');
  });

  it('tells a signature issued for another model', () => {
    const signature = issueFakeSignature(random(), 'gemini-3-flash-preview');
    expect(verifyFakeSignature(signature, 'gemini-3-pro-preview')).toBe('other-model');
  });

  it('reads the url-safe alphabet and missing padding as the API does', () => {
    const signature = issueFakeSignature(random(), 'gemini-3-flash-preview');
    const urlSafe = signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(verifyFakeSignature(urlSafe, 'gemini-3-flash-preview')).toBe('valid');
  });

  it('issues a different signature each time, all of them valid', () => {
    const generator = random();
    const signatures = Array.from({ length: 100 }, () =>
      issueFakeSignature(generator, 'gemini-3-flash-preview'),
    );
    expect(new Set(signatures).size).toBe(100);
    expect(
      signatures.every((each) => verifyFakeSignature(each, 'gemini-3-flash-preview') === 'valid'),
    ).toBe(true);
  });

  it.each([
    [
      'a real Google signature',
      'CiMBjz1rX25KieIB4d4AwFn8/WbsHTRNHBXso88PtemwfsSfRAp6AY89a1/e2FrmrE2Htl',
    ],
    ['the documented bypass value', 'skip_thought_signature_validator'],
    ['an empty string', ''],
    ['text that is no base64', 'not base64 at all!'],
    ['base64 of the wrong length', btoa('short')],
    ['a megabyte of A', 'A'.repeat(1_000_000)],
    ['an emoji', '😀'],
  ])('takes %s for foreign', (_case, signature) => {
    expect(verifyFakeSignature(signature, 'gemini-3-flash-preview')).toBe('foreign');
  });

  it('takes a signature with one byte changed for foreign (its checksum no longer holds)', () => {
    const signature = issueFakeSignature(random(), 'gemini-3-flash-preview');
    const bytes = Uint8Array.from(atob(signature), (character) => character.charCodeAt(0));
    bytes[20] = (bytes[20] ?? 0) ^ 0xff;
    const tampered = btoa(String.fromCharCode(...bytes));
    expect(verifyFakeSignature(tampered, 'gemini-3-flash-preview')).toBe('foreign');
  });
});
