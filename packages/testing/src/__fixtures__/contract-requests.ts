import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// Request pieces shared by the contract tests. Test-only.

export const user = (text: string) => ({ role: 'user', parts: [{ text }] });
export const call = (name: string, extra: Record<string, unknown> = {}) => ({
  functionCall: { name, args: {}, ...extra },
});
/** A call signed with the documented dummy signature, so signature rules stay out of the way. */
export const signed = (name: string, extra: Record<string, unknown> = {}) => ({
  ...call(name, extra),
  thoughtSignature: 'skip_thought_signature_validator',
});
export const answer = (name: string, extra: Record<string, unknown> = {}) => ({
  functionResponse: { name, response: { output: 'ok' }, ...extra },
});
export const declarations = (...names: string[]) => [
  {
    functionDeclarations: names.map((name) => ({ name, parametersJsonSchema: { type: 'object' } })),
  },
];
export const SKIP = 'skip_thought_signature_validator';

/** A fake that answers every accepted call with text. */
export function fake(options: Parameters<typeof createFakeGemini>[0] = {}) {
  return createFakeGemini({ script: () => turn.text('fine'), ...options });
}
