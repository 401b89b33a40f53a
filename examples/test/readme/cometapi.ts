// README: CometAPI (typechecked only: it needs the gateway).
import { createGemini } from '@gemloop/core';

export const gemini = createGemini({
  baseUrl: 'https://api.cometapi.com',
  auth: 'bearer', // or the default 'x-goog-api-key': CometAPI takes both
  apiKey: process.env['COMETAPI_KEY'],
});
