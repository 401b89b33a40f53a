import {
  createFakeGemini,
  type FakeGatewayMistake,
  type FakeGemini,
  type FakeScriptFunction,
  turn,
} from '@gemloop/testing';
import { PROBE_RATE_LIMIT_TEXT } from '../probe/probe-errors.ts';

/**
 * What a real model does with the probe's prompts (and with the agent's requests in the probe's
 * tests): obeys a system instruction that names its one-word answer; searches when Google Search
 * is declared; a call (two for "Paris and Oslo") when only functions are; under a response schema,
 * JSON with each required property (the first `enum` value, else a city); without one but in JSON
 * mode, the JSON a model writes unguided; thought summaries when asked to include them; text
 * otherwise.
 */
export const probeScript: FakeScriptFunction = (request, context) => {
  const body = request.body;
  const system = JSON.stringify(body.systemInstruction ?? '');
  const word = /exactly the word ([A-Z]+)/.exec(system)?.[1];
  if (word !== undefined) return turn.text(word);
  if (context.functionResponses.length > 0) return turn.text('It is sunny in Paris.');
  const searches = JSON.stringify(body.tools ?? []).includes('googleSearch');
  if (searches) {
    return turn.grounded('The 2025 Nobel Prize in Literature went to László Krasznahorkai.', {
      sources: [{ uri: 'https://www.nobelprize.org/', title: 'nobelprize.org' }],
      queries: ['Nobel Prize in Literature 2025'],
    });
  }
  if (context.functionDeclarations.length > 0) {
    if (context.lastUserText?.includes('Oslo')) {
      return turn.calls([
        { name: 'get_weather', args: { city: 'Paris' } },
        { name: 'get_weather', args: { city: 'Oslo' } },
      ]);
    }
    return turn.call('get_weather', { city: 'Paris' });
  }
  const config: Record<string, unknown> = { ...body.generationConfig };
  const schema = config['responseJsonSchema'] ?? config['responseSchema'];
  if (isRecord(schema)) return turn.text(JSON.stringify(valueFor(schema)));
  if (config['responseMimeType'] === 'application/json') return turn.text('{"city":"Lyon"}');
  const thinking = config['thinkingConfig'];
  const thoughts =
    isRecord(thinking) && thinking['includeThoughts'] === true
      ? 'The user wants a short answer.'
      : undefined;
  return turn.text('1 2 3 4 5, OK. '.repeat(8), { thoughts });
};

/** The value a schema-following model writes: each required property, its first enum value. */
function valueFor(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = isRecord(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  const value: Record<string, unknown> = {};
  for (const name of required) {
    const property = properties[String(name)];
    const options = isRecord(property) && Array.isArray(property['enum']) ? property['enum'] : [];
    value[String(name)] = options[0] ?? 'Lyon';
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
