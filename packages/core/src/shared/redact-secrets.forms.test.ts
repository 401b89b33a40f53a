import { describe, expect, it } from 'vitest';
import { createSecretRedactor, redactSecrets, secretForms } from './redact-secrets.ts';

const base64 = (text: string): string => Buffer.from(text).toString('base64');
const escapeSigns = (text: string): string => text.replace(/[+/]/g, (sign) => `\\${sign}`);

describe('secretForms', () => {
  const key = 'AIzaSyD-example_Key+with/Slash=0123456';

  it('gives the secret, URL-encoded, both cases, and its base64 at each byte offset', () => {
    const forms = secretForms(key);
    expect(forms[0]).toBe(key);
    expect(forms).toContain(encodeURIComponent(key));
    expect(forms).toContain(key.toLowerCase());
    expect(forms).toContain(key.toUpperCase());
    for (const before of ['', 'a', 'ab', 'abc', 'user:', 'Bearer ']) {
      const encoded = base64(`${before}${key}`);
      const text = `Basic ${encoded}`;
      const kept = redactSecrets(text, forms);
      // The key's own characters are gone: what stays is the prefix's, and at the end at most
      // the 2 characters (and padding) that mix in the key's last bits.
      const prefix = encoded.slice(0, Math.floor((before.length * 8) / 6));
      expect(kept).toMatch(new RegExp(`^Basic ${escapeSigns(prefix)}.?\\[redacted\\][^\\s]{0,4}$`));
    }
    expect(redactSecrets(Buffer.from(key).toString('base64url'), forms)).toMatch(
      /^\[redacted\].{0,2}$/,
    );
  });

  it('folds no case for a secret under 16 characters: its folded form may be a word', () => {
    expect(secretForms('Password')).not.toContain('password');
    expect(redactSecrets('the password was wrong', secretForms('Password'))).toBe(
      'the password was wrong',
    );
  });

  it('gives no form shorter than the key rule minimum, and each form once', () => {
    for (const secret of ['k3y-4567', 'sk-0123456789abcdef', key, 'ключ-секрет-1']) {
      const forms = secretForms(secret);
      expect(forms.every((form) => form.length >= 8)).toBe(true);
      expect(new Set(forms).size).toBe(forms.length);
    }
  });

  it('encodes a secret beyond ASCII as UTF-8, as a server would', () => {
    const secret = 'ключ-секрет-1';
    const forms = secretForms(secret);
    expect(redactSecrets(base64(`x${secret}`), forms)).toMatch(/^.{0,2}\[redacted\].{0,2}$/);
    expect(forms).toContain(encodeURIComponent(secret));
  });
});

describe('createSecretRedactor', () => {
  it('redacts a named secret of 8 characters or more in its encoded forms too, not a short one', () => {
    const redact = createSecretRedactor(['sk-GateWay/Token+42=Abc_def-0123456789', 'hunt']);
    const encoded = Buffer.from('u:sk-GateWay/Token+42=Abc_def-0123456789').toString('base64');
    expect(redact(`Basic ${encoded}`)).toMatch(/^Basic .{0,3}\[redacted\].{0,4}$/);
    expect(redact(encodeURIComponent('sk-GateWay/Token+42=Abc_def-0123456789'))).toBe('[redacted]');
    expect(redact('hunt HUNT aHVudA')).toBe('[redacted] HUNT aHVudA');
  });
});
