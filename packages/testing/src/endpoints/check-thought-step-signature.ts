import { isDummySignature } from '../contract/check-fake-history.ts';
import { verifyFakeSignature } from '../contract/fake-signatures.ts';
import type { FakeState } from '../state/fake-state.ts';
import { resolveCapabilities } from './generate-fake-reply.ts';

/**
 * Why the signature of a `thought` step a client sends back is refused, or `undefined` when it
 * passes: on a model that requires signatures (Gemini 3) with `signatureValidation: 'issued'`
 * (the default), a signature this fake did not issue for `model` is refused with the texts
 * `generateContent` answers a call's (`checkIssuedSignatures`: "Corrupted thought signature.",
 * "Invalid thought signature."): the API asks a stateless client to send its thought steps back
 * unmodified (ai.google.dev/gemini-api/docs/interactions/thinking) and refuses a truncated or
 * corrupted signature with a 400 (docs.cloud.google.com/gemini-enterprise-agent-platform/models/
 * thinking/thought-signatures). A documented dummy signature passes, as there. An agent's
 * interaction (no `model`) is not checked.
 * @internal
 */
export function checkThoughtStepSignature(
  state: FakeState,
  model: string | undefined,
  signature: string,
): string | undefined {
  if (model === undefined || signature === '' || isDummySignature(signature)) return undefined;
  if ((state.options.signatureValidation ?? 'issued') !== 'issued') return undefined;
  if (!resolveCapabilities(state, model).requiresThoughtSignatures) return undefined;
  const check = verifyFakeSignature(signature, model);
  if (check === 'foreign') return 'Corrupted thought signature.';
  if (check === 'other-model') return 'Invalid thought signature.';
  return undefined;
}
