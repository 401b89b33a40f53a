import { describe, expect, it } from 'vitest';
import { invalidRequest, notFound, OpenAIRequestError } from './openai-request-error.ts';

// The OpenAI-compatible door's errors: the body an OpenAI client parses (`error.message`, `type`,
// `param`, `code`, with null where OpenAI sends null) and the status it reads first.

describe('OpenAIRequestError', () => {
  it('is the body OpenAI clients parse, with null for a missing param', () => {
    const error = invalidRequest('messages', 'messages must not be empty.');
    expect(error.status).toBe(400);
    expect(error.toBody()).toEqual({
      error: {
        message: 'messages must not be empty.',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'invalid_value',
      },
    });
    expect(invalidRequest(null, 'bad', 'missing_required_parameter').toBody().error).toMatchObject({
      param: null,
      code: 'missing_required_parameter',
    });
  });

  it('says 404 with the kind of thing not found', () => {
    const error = notFound('model_not_found', 'The model "x" does not exist.', 'model');
    expect([error.status, error.type, error.errorCode, error.param]).toEqual([
      404,
      'invalid_request_error',
      'model_not_found',
      'model',
    ]);
    expect(notFound('response_not_found', 'gone').param).toBeNull();
  });

  it('is told apart from other errors across copies of the package, by its code', () => {
    expect(OpenAIRequestError.isInstance(invalidRequest(null, 'x'))).toBe(true);
    expect(OpenAIRequestError.isInstance(new Error('x'))).toBe(false);
    expect(OpenAIRequestError.isInstance({ code: 'openai-request' })).toBe(false);
    // The body carries the message as it is, no stack or cause.
    expect(JSON.stringify(invalidRequest(null, 'x').toBody())).not.toContain('at ');
  });
});
