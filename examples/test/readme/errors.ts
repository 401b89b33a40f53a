// README: errors.
import { ApiCallError, createAgent, createGemini, ModelCallError } from '@gemloop/core';

const agent = createAgent({ gemini: createGemini(), model: 'gemini-3-flash-preview' });
try {
  console.log((await agent.run('Hello')).text);
} catch (error) {
  if (ModelCallError.isInstance(error) && ApiCallError.isInstance(error.cause)) {
    const api = error.cause;
    // The message says what failed and what to do; the fields carry the details.
    console.error(api.message, api.status, api.googleStatus, api.isRetryable, api.retryDelayMs);
    // error.run.contents is the consistent history so far: continue from it later.
  } else {
    throw error;
  }
}
