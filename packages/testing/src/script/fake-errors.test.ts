import { describe, expect, it } from 'vitest';
import { readFixtureJson } from '../__fixtures__/gemini-fixtures.ts';
import { fakeErrors, fakeRequestTooLarge, fakeScriptError, googleError } from './fake-errors.ts';

// The fake's error bodies judged by the API's own: each one a recording names is compared with
// that recording (test/fixtures/gemini/errors, provenance in SOURCES.md), field for field, so the
// client's error handling is tested against what Google sends, not against the fake's idea of it.

type Recorded = { error: Record<string, unknown> };
const recorded = (name: string): Recorded => {
  const body = readFixtureJson<Recorded | Recorded[]>(`errors/${name}`);
  return Array.isArray(body) ? (body[0] as Recorded) : body;
};

describe('fakeErrors against the recordings', () => {
  it('answers an invalid key as the API does, ErrorInfo and LocalizedMessage included', () => {
    const fake = fakeErrors.apiKeyInvalid();
    expect(fake.status).toBe(400);
    expect(fake.body).toEqual(recorded('400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json'));
  });

  it('answers an unknown model with the words of the recording, for its model and method', () => {
    const fake = fakeErrors.modelNotFound('gemini-3.6-flahs', 'v1beta', 'generateContent');
    expect(fake.status).toBe(404);
    expect(fake.body).toEqual(recorded('404-NOT_FOUND-unknown-model.json'));
  });

  it('answers a per-minute quota as the recording: Help, QuotaFailure, RetryInfo in whole seconds', () => {
    // The recording says "Please retry in 58.217843437s." and, in RetryInfo, "58s".
    const fake = fakeErrors.rateLimited('gemini-3-flash', 58.217843437);
    expect(fake.status).toBe(429);
    expect(fake.body).toEqual(recorded('429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json'));
  });

  it('answers an overloaded model as the recording (its array framing is the endpoint’s)', () => {
    const fake = fakeErrors.overloaded();
    expect(fake.status).toBe(503);
    expect(fake.body).toEqual(recorded('503-UNAVAILABLE-overloaded.no-alt-sse-array.json'));
  });

  it('tells a spent daily quota by its quotaId, with the short RetryInfo the API still sends', () => {
    const fake = fakeErrors.dailyQuota('gemini-2.5-pro');
    expect(fake.status).toBe(429);
    expect(fake.body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(JSON.stringify(fake.body)).toContain(
      'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
    );
    expect(fake.body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '21s',
    });
  });

  it('names the google.rpc.Code of each status it knows, and UNKNOWN otherwise', () => {
    expect(fakeErrors.permissionDenied().body.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
    });
    expect(fakeErrors.internal().body.error).toMatchObject({ code: 500, status: 'INTERNAL' });
    expect(googleError(499, 'x').body.error.status).toBe('CANCELLED');
    expect(googleError(504, 'x').body.error.status).toBe('DEADLINE_EXCEEDED');
    expect(googleError(418, 'x').body.error.status).toBe('UNKNOWN');
    expect(googleError(400, 'x', { status: 'FAILED_PRECONDITION' }).body.error.status).toBe(
      'FAILED_PRECONDITION',
    );
  });

  it('leaves details out when none are given, as the API does for a plain 404 or 503', () => {
    expect(googleError(404, 'gone').body.error).not.toHaveProperty('details');
    expect(fakeErrors.invalidArgument('bad').body.error).not.toHaveProperty('details');
    expect(
      fakeErrors.invalidArgument('bad', [{ '@type': 'type.googleapis.com/google.rpc.BadRequest' }])
        .body.error.details,
    ).toHaveLength(1);
  });
});

describe("the fake's errors about itself", () => {
  it('names the fake as the source, so the client gives no billing or region advice', () => {
    const exhausted = fakeScriptError('SCRIPT_EXHAUSTED', 'the script has no turn 3');
    expect(exhausted.status).toBe(400);
    expect(exhausted.body.error).toMatchObject({
      status: 'FAILED_PRECONDITION',
      message: '[gemloop fake] the script has no turn 3',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SCRIPT_EXHAUSTED',
        },
      ],
    });
    const detail = exhausted.body.error.details?.[0] as { domain?: unknown };
    expect(typeof detail.domain).toBe('string');
    expect(detail.domain).not.toBe('googleapis.com');
  });

  it("refuses a body past the fake's bound with a 413 that says how to raise it", () => {
    const tooLarge = fakeRequestTooLarge(1024);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toContain(
      'Request payload size exceeds the limit: 1024 bytes.',
    );
    expect(tooLarge.body.error.message).toContain('listen({ maxBodyBytes })');
    expect(tooLarge.body.error.details?.[0]).toMatchObject({ reason: 'REQUEST_TOO_LARGE' });
  });
});
