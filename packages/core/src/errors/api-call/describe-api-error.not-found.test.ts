import { describe, expect, it } from 'vitest';
import { createApiCallError } from './create-api-call-error.ts';

// A 404 names what was not found: the model for a model call, the resource an id names for a
// get, cancel or delete (an interaction, file, batch or cache deleted or past its retention),
// never "check the model name" for a call that names no model.

const notFound = (method: string, message: string) =>
  createApiCallError({
    url: 'https://generativelanguage.googleapis.com/v1beta/x',
    method,
    status: 404,
    body: JSON.stringify({ error: { code: 404, message, status: 'NOT_FOUND' } }),
    responseHeaders: { 'content-type': 'application/json' },
  }).message;

describe('the guidance of a 404', () => {
  it.each([
    'interactions.get',
    'interactions.cancel',
    'interactions.delete',
    'interactions.resume',
    'files.get',
    'batches.get',
    'caches.delete',
  ])('%s: the resource it names is gone, not the model', (method) => {
    const message = notFound(method, 'Not found.');
    expect(message).not.toContain('model name');
    expect(message).toMatch(/deleted|expired/);
  });

  it('a model call still points at the model name', () => {
    expect(notFound('generateContent', 'models/x is not found')).toContain('Check the model name');
  });

  it('an interactions create names previous_interaction_id too', () => {
    expect(notFound('interactions.create', 'Not found.')).toContain('previous_interaction_id');
  });
});
