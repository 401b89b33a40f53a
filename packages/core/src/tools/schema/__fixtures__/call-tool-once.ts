import { createFakeGemini, turn } from '@gemloop/testing';
import { createAgent } from '../../../agent/create-agent.ts';
import { createGemini } from '../../../http/create-gemini.ts';
import type { GenerateContentBody } from '../../../wire/request.ts';
import type { defineTool } from '../../define/define-tool.ts';

/**
 * Runs an agent whose model calls `tool` once with `args` and then answers, on the fake Gemini:
 * the tool's declaration as the fake received it, and the function response the model was sent.
 * The fake goes into `fakes`, for the test's `afterEach` to close.
 */
export async function callToolOnce(
  fakes: ReturnType<typeof createFakeGemini>[],
  tool: ReturnType<typeof defineTool>,
  args: Record<string, unknown>,
) {
  const fake = createFakeGemini({ script: [turn.call(tool.name, args), turn.text('Done.')] });
  fakes.push(fake);
  const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
  await createAgent({ gemini, model: 'gemini-2.5-flash', tools: [tool] }).run('Go');
  const first = fake.requests[0]?.body as GenerateContentBody;
  const second = fake.requests[1]?.body as GenerateContentBody;
  return {
    declaration: first.tools?.[0]?.functionDeclarations?.[0],
    answer: second.contents.at(-1)?.parts?.[0]?.functionResponse?.response,
  };
}
