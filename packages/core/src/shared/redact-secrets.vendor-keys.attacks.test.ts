import { describe, expect, it } from 'vitest';
import { REDACTED, redactKeyShapes, redactLocalDetails } from './redact-secrets.ts';

// leftovers73: keys of other vendors than Google, quoted bare (no `Bearer `, no `token=` before
// them), went into run files, spans and error messages as they were. Each below is in its
// vendor's documented shape, made up here.
const KEYS: readonly string[] = [
  // OpenAI: legacy, project, service account
  `sk-${'Ab3dEfGh1jKlMnOpQrStUvWx'.repeat(2)}`,
  `sk-proj-${'Ab3dEfGh1jKl_MnOpQrSt-UvWxYz012345'.repeat(2)}T3BlbkFJ${'x9Y8z7W6v5U4'.repeat(5)}`,
  `sk-svcacct-${'Q1w2E3r4T5y6U7i8O9p0'.repeat(3)}`,
  // Anthropic, OpenRouter, DeepSeek
  `sk-ant-api03-${'aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV'.repeat(3)}-${'zY'.repeat(6)}AA`,
  `sk-or-v1-${'0123456789abcdef'.repeat(4)}`,
  `sk-${'0123456789abcdef'.repeat(2)}`,
  // GitHub: classic and fine-grained
  'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'gho_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'ghu_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'ghr_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  `github_pat_11ABCDEFG0${'a1B2c3D4e5'.repeat(2)}_${'Z9y8X7w6V5'.repeat(6)}`,
  // Slack: bot, user, app-level
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  `xoxp-123456789012-123456789012-1234567890123-${'0123456789abcdef'.repeat(2)}`,
  `xapp-1-A0123456789-1234567890123-${'0123456789abcdef'.repeat(4)}`,
  // Stripe, a webhook secret, GitLab, Hugging Face, npm
  `sk_live_51H8${'aBcDeFgHiJkLmNoPqRsTuVwXyZ'.repeat(3)}`,
  `rk_test_51H8${'aBcDeFgHiJkLmNoPqRsTuVwXyZ'}`,
  'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/ab==',
  'glpat-aBcDeFgHiJ-kLmNoPqRsT',
  'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZaBcDeFgH',
  'npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
];

// Words and ids that start like one, or hold a prefix inside: all left as they are.
const NOT_KEYS: readonly string[] = [
  'task-0123456789abcdefghijklmnopqrstuvwxyz',
  'disk-usage-0123456789abcdefghijklmnop',
  'sk-learn-compatible-estimators',
  'sk-2024-annual-report-final-draft-v2',
  'sk-550e8400-e29b-41d4-a716-446655440000',
  'sk-0123456789abcdef',
  'high_ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'ghp_short',
  'xoxo and hugs',
  'xoxb-123-456',
  'mask_live_aBcDeFgHiJkLmNoPqRsTuVwXyZ',
  'sk_live_short',
  'hf_highlight_color',
  'npm_config_registry',
  'glpat-short',
  'the risk-benefit sk-line',
];

describe('redactKeyShapes: other vendors (leftovers73)', () => {
  it('redacts each documented key shape, alone and inside a sentence', () => {
    for (const key of KEYS) {
      expect(redactKeyShapes(key)).toBe(REDACTED);
      expect(redactKeyShapes(`use ${key}, then "${key}" or key=${key}.`)).toBe(
        `use ${REDACTED}, then "${REDACTED}" or key=${REDACTED}.`,
      );
    }
  });

  it('redacts each one inside a long text too (a text over 512 characters is searched another way)', () => {
    const filler = 'lorem ipsum dolor '.repeat(40);
    for (const key of KEYS) {
      expect(redactKeyShapes(`${filler}${key} ${filler}`)).toBe(`${filler}${REDACTED} ${filler}`);
    }
  });

  it('leaves ordinary words and ids that merely start like a key', () => {
    for (const text of NOT_KEYS) expect(redactKeyShapes(text)).toBe(text);
  });

  it('is redacted in a tool error told to the model too (redactLocalDetails)', () => {
    const key = KEYS[0] ?? '';
    expect(redactLocalDetails(`upstream refused ${key}`)).toBe(`upstream refused ${REDACTED}`);
  });

  it('is idempotent: the redacted text is left as it is by a second pass', () => {
    const once = redactKeyShapes(KEYS.join(' '));
    expect(redactKeyShapes(once)).toBe(once);
  });

  it('scans a megabyte built to make it backtrack once per word (a hang guard, not a timing)', () => {
    const near = `sk-${`${'a'.repeat(19)}-`.repeat(50_000)}`;
    expect(redactKeyShapes(near)).toBe(near);
    const many = 'sk-abc xoxb-1 ghp_x '.repeat(50_000);
    expect(redactKeyShapes(many)).toBe(many);
  });
});

describe('redactKeyShapes: AWS key ids, JSON Web Tokens and PEM private keys', () => {
  // Made up, in each format's documented shape (AWS's own example id, RFC 7519's example token).
  const awsId = 'AKIAIOSFODNN7EXAMPLE';
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const body = `${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.repeat(20)}\n`.repeat(3);
  const pem = (label: string) =>
    `-----BEGIN ${label}PRIVATE KEY-----\n${body}-----END ${label}PRIVATE KEY-----`;

  it('redacts each, alone and inside text, escaped newlines (a JSON line) too', () => {
    for (const key of [awsId, 'ASIAY34FZKBOKMUTVV7A', jwt, pem(''), pem('RSA '), pem('OPENSSH ')]) {
      expect(redactKeyShapes(`a ${key} b`)).toBe(`a ${REDACTED} b`);
    }
    const inJson = JSON.stringify({ file: `key:\n${pem('EC ')}\nend` });
    expect(redactKeyShapes(inJson)).toBe(JSON.stringify({ file: `key:\n${REDACTED}\nend` }));
  });

  it('redacts a private key cut before its END line to where it was cut', () => {
    const cut = `-----BEGIN PRIVATE KEY-----\n${body.slice(0, 500)}`;
    expect(redactKeyShapes(`x ${cut}`)).toBe(`x ${REDACTED}`);
  });

  it('leaves public keys, certificates, capitals that only start like an id and plain base64', () => {
    for (const text of [
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
      '-----BEGIN CERTIFICATE-----\nMIIBIjANBgkq\n-----END CERTIFICATE-----',
      'ASIAPACIFIC region',
      'XAKIAIOSFODNN7EXAMPLE',
      'AKIAIOSFODNN7EXAMPLEX',
      'eyJhbGciOiJIUzI1NiJ9 alone',
    ]) {
      expect(redactKeyShapes(text)).toBe(text);
    }
  });

  it('scans a megabyte of private key headers without an END in linear time (a hang guard)', () => {
    const headers = '-----BEGIN PRIVATE KEY-----\n'.repeat(40_000);
    const redacted = redactKeyShapes(headers);
    expect(redacted).not.toContain('BEGIN PRIVATE KEY');
  });
});
