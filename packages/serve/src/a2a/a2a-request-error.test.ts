import { describe, expect, it } from 'vitest';
import { AgUiRequestError } from '../ag-ui/ag-ui-request-error.ts';
import { notFound, OpenAIRequestError } from '../openai/openai-request-error.ts';
import { A2ARequestError } from './a2a-request-error.ts';

// The refusals each door answers before a run starts, as their clients read them: A2A's JSON-RPC
// error, AG-UI's JSON error, OpenAI's error body; a 401 with the challenge its client follows.

describe('A2ARequestError', () => {
  it('answers a JSON-RPC error with a null id; a 401 carries the challenge given', async () => {
    const error = new A2ARequestError({
      status: 401,
      rpcCode: -32600,
      message: 'Send Authorization: Bearer <token>.',
    });
    const response = error.toResponse('Bearer resource_metadata="https://a.example/m"');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer resource_metadata="https://a.example/m"',
    );
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Send Authorization: Bearer <token>.' },
    });
    expect(
      new A2ARequestError({ status: 413, rpcCode: -32600, message: 'Too big.' })
        .toResponse()
        .headers.get('www-authenticate'),
    ).toBeNull();
    expect(A2ARequestError.isInstance(error)).toBe(true);
  });
});

describe('AgUiRequestError', () => {
  it('answers { error: { message, code } }; a 401 asks for a bearer token', async () => {
    const response = new AgUiRequestError({
      status: 401,
      errorCode: 'unauthorized',
      message: 'Who are you?',
    }).toResponse();
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({
      error: { message: 'Who are you?', code: 'unauthorized' },
    });
    const busy = new AgUiRequestError({
      status: 409,
      errorCode: 'thread_busy',
      message: 'Busy.',
    }).toResponse();
    expect(busy.status).toBe(409);
    expect(busy.headers.get('www-authenticate')).toBeNull();
  });
});

describe('OpenAIRequestError', () => {
  it('a 404 says the same for an unknown, forgotten or another caller`s response', () => {
    const error = notFound(
      'previous_response_not_found',
      'No previous response with this id is open to this caller.',
      'previous_response_id',
    );
    expect(error.toBody()).toEqual({
      error: {
        message: 'No previous response with this id is open to this caller.',
        type: 'invalid_request_error',
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      },
    });
    expect(error.status).toBe(404);
    expect(notFound('x', 'y').param).toBeNull();
    expect(OpenAIRequestError.isInstance(error)).toBe(true);
    expect(
      OpenAIRequestError.isInstance(new A2ARequestError({ status: 400, rpcCode: 1, message: 'm' })),
    ).toBe(false);
  });
});
