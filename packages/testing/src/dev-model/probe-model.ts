import { isJsonObject } from '@gemloop/core/internal';
import { turn } from '../script/fake-turn.ts';
import type { FakeScriptFunction } from '../script/fake-types.ts';

/** The `modelVersion` the probe model answers with. */
export const PROBE_MODEL_VERSION = 'gemloop-probe-model';

/**
 * A small, fixed script that answers `gemloop probe`'s requests the way a well-behaved Gemini
 * model does, so every line of the probe passes against the fake (`gemloop fake --script probe`):
 *
 * - a system instruction that names its one-word answer ("reply with exactly the word X") is
 *   obeyed;
 * - with Google Search declared, a grounded answer (`groundingMetadata` with a query and a
 *   source);
 * - with functions declared, a call to the first one with `{ city: 'Paris' }` (two calls, Paris
 *   and Oslo, when the question names Oslo), and a sentence once the results are back;
 * - under a response schema, JSON with each required property (its first `enum` value, else a
 *   city); in JSON mode without one, the JSON a model writes unguided;
 * - a thought summary when `thinkingConfig.includeThoughts` asks for one; text long enough to
 *   stream in several chunks otherwise.
 *
 * It is not a general model: for an app, use {@link demoModel}, which reads the tools and the
 * question (and passes the probe as well).
 *
 * @example
 * ```ts
 * const fake = createFakeGemini({ script: probeModel() });
 * const { url } = await fake.listen(); // then: gemloop probe --base-url <url> --api-key fake
 * ```
 */
export function probeModel(): FakeScriptFunction {
  return (request, context) => {
    const body = request.body;
    const options = { modelVersion: PROBE_MODEL_VERSION };
    const system = JSON.stringify(body.systemInstruction ?? '');
    const word = /exactly the word ([A-Z]+)/.exec(system)?.[1];
    if (word !== undefined) return turn.text(word, options);
    if (context.functionResponses.length > 0) return turn.text('It is sunny in Paris.', options);
    const searches = JSON.stringify(body.tools ?? []).includes('googleSearch');
    if (searches) {
      return turn.grounded(
        'The 2025 Nobel Prize in Literature went to László Krasznahorkai.',
        {
          sources: [{ uri: 'https://www.nobelprize.org/', title: 'nobelprize.org' }],
          queries: ['Nobel Prize in Literature 2025'],
        },
        options,
      );
    }
    const name = context.functionDeclarations[0]?.name;
    if (name !== undefined) {
      if (context.lastUserText?.includes('Oslo')) {
        return turn.calls(
          [
            { name, args: { city: 'Paris' } },
            { name, args: { city: 'Oslo' } },
          ],
          options,
        );
      }
      return turn.call(name, { city: 'Paris' }, options);
    }
    const config: Record<string, unknown> = { ...body.generationConfig };
    const schema = config['responseJsonSchema'] ?? config['responseSchema'];
    if (isJsonObject(schema)) return turn.text(JSON.stringify(valueFor(schema)), options);
    if (config['responseMimeType'] === 'application/json') {
      return turn.text('{"city":"Lyon"}', options);
    }
    const thinking = config['thinkingConfig'];
    const thoughts =
      isJsonObject(thinking) && thinking['includeThoughts'] === true
        ? 'The user wants a short answer.'
        : undefined;
    return turn.text('1 2 3 4 5, OK. '.repeat(8), { ...options, thoughts });
  };
}

/** The value a schema-following model writes: each required property, its first enum value. */
function valueFor(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  const value: Record<string, unknown> = {};
  for (const name of required) {
    const property = properties[String(name)];
    const options =
      isJsonObject(property) && Array.isArray(property['enum']) ? property['enum'] : [];
    value[String(name)] = options[0] ?? 'Lyon';
  }
  return value;
}
