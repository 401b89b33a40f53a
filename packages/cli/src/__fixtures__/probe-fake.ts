import {
  createFakeGemini,
  type FakeGatewayMistake,
  type FakeGemini,
  type FakeScriptFunction,
  turn,
} from '@gemloop/core/testing';
import { PROBE_RATE_LIMIT_TEXT } from '../probe/run-probe.ts';

/**
 * What a real model does with the probe's prompts: a call (two for "Paris and Oslo") when tools
 * are declared, JSON under a response schema, text otherwise.
 */
export const probeScript: FakeScriptFunction = (request, context) => {
  if (context.functionResponses.length > 0) return turn.text('It is sunny in Paris.');
  if (context.functionDeclarations.length > 0) {
    if (context.lastUserText?.includes('Oslo')) {
      return turn.calls([
        { name: 'get_weather', args: { city: 'Paris' } },
        { name: 'get_weather', args: { city: 'Oslo' } },
      ]);
    }
    return turn.call('get_weather', { city: 'Paris' });
  }
  if (request.body.generationConfig?.responseJsonSchema !== undefined) {
    return turn.text('{"city":"Lyon"}');
  }
  return turn.text('1 2 3 4 5, OK. '.repeat(8));
};

/**
 * A fake Gemini (optionally a broken gateway) that answers the probe's rate-limit request with
 * the API's 429 (RetryInfo included).
 */
export async function startProbeFake(
  mistakes: readonly FakeGatewayMistake[] = [],
): Promise<FakeGemini & { baseUrl: string }> {
  const fake = createFakeGemini({
    script: probeScript,
    gatewayMistakes: mistakes,
    faults: [
      {
        fault: { type: 'rate-limit', retryDelaySeconds: 7 },
        on: ({ body }) => JSON.stringify(body).includes(PROBE_RATE_LIMIT_TEXT),
      },
    ],
  });
  const { url } = await fake.listen();
  return Object.assign(fake, { baseUrl: url });
}
