// Guide "Running on CometAPI" (typechecked only: it needs the gateway).
import { createAgent, createGemini } from '@gemloop/core';

const gemini = createGemini({
  baseUrl: 'https://api.cometapi.com', // gemloop adds /v1beta/models/...
  auth: 'bearer', // CometAPI also takes the default x-goog-api-key header
  apiKey: process.env['COMETAPI_KEY'],
});

const agent = createAgent({
  gemini,
  model: 'gemini-2.5-flash',
  // A gateway alias gemloop does not know: say what the model can do.
  capabilities: { thinking: 'budget', combinesBuiltinAndFunctionTools: false },
});

const models = await gemini.listModels();
console.log(models.models?.map((model) => model.name));
console.log((await agent.run('Hello')).text);
