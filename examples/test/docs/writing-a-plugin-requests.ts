// The request-level code of docs/writing-a-plugin.md ("Around the requests"): typechecked with the
// examples.
import { createAgent, createGemini } from '@gemloop/core';
import { definePlugin, type ModelCallInput, modelCallEntryOf } from '@gemloop/core/plugins';
import type { GenerateContentRequest } from '@gemloop/core/wire';

// Every request the agent sends (a long decode's hops too), streamed or unary, before it goes.
const sentRequests: GenerateContentRequest[] = [];
const recordRequests = definePlugin({
  name: 'record-requests',
  wrapModelRequest: (next) => ({
    generate: (input) => {
      sentRequests.push(input.request);
      return next.generate(input);
    },
    stream: (input) => {
      sentRequests.push(input.request);
      return next.stream(input);
    },
  }),
});

// The final structured-output call (no tools) through a second client: another base URL and key.
const gateway = createGemini({ baseUrl: 'https://gateway.example.com', apiKey: 'gateway-key' });
const viaGateway = definePlugin({
  name: 'via-gateway',
  wrapModelRequest: (next) => {
    const other = modelCallEntryOf(gateway);
    const pick = (input: ModelCallInput) => (input.request.tools === undefined ? other : next);
    return {
      generate: (input) => pick(input).generate(input),
      stream: (input) => pick(input).stream(input),
    };
  },
});
const routed = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  plugins: [recordRequests, viaGateway],
});
void routed;
void sentRequests;

// A wrapper that builds a fresh input passes the one it was given as `next`'s second argument.
const contentsOnly = definePlugin({
  name: 'contents-only',
  wrapModelRequest: (next) => {
    // A request of its own (the model and contents only: no tools, no config), counted on the one given.
    const built = (input: ModelCallInput): ModelCallInput => ({
      request: { model: input.request.model, contents: input.request.contents },
      callOptions: input.callOptions,
    });
    return {
      generate: (input) => next.generate(built(input), input),
      stream: (input) => next.stream(built(input), input),
    };
  },
});
void contentsOnly;
