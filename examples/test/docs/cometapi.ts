// Guide "Running on CometAPI" (typechecked only: it needs the gateway).
import { createAgent, createGemini } from '@gemloop/core';
import { getModelCapabilities } from '@gemloop/core/models';

const gemini = createGemini({
  baseUrl: 'https://api.cometapi.com', // gemloop adds /v1beta/models/...
  auth: 'bearer', // CometAPI also takes the default x-goog-api-key header
  apiKey: process.env['COMETAPI_KEY'],
});

const models = await gemini.listModels(); // the names this gateway serves
console.log(models.models?.map((model) => model.name));

const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
console.log((await agent.run('Hello')).text);

// A name gemloop does not know (a gateway alias): say what the model behind it can do.
const aliased = createAgent({
  gemini,
  model: 'my-team-flash',
  capabilities: getModelCapabilities('gemini-2.5-flash'),
});
console.log((await aliased.run('Hello')).text);
