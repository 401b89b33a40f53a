import {
  isJsonObject,
  listDataFields,
  readField,
  readFunctionResponse,
} from '@gemloop/core/internal';
import type { ModelCapabilities } from '@gemloop/core/models';
import type { FakeHttpError } from '../script/fake-errors.ts';
import type { ServedFields } from '../state/served-fields.ts';
import { checkFakeHistory, isDummySignature, listSignedSteps } from './check-fake-history.ts';
import { checkGenerationConfig } from './check-generation-config.ts';
import { historyViolation } from './check-history-contract.ts';
import { checkMessageFields } from './check-message-fields.ts';
import { checkMimeTypes } from './check-mime-types.ts';
import { checkSafetySettings } from './check-safety-settings.ts';
import { checkToolsContract } from './check-tools-contract.ts';
import {
  type ContractViolation,
  fieldViolation,
  invalidValue,
  semantic,
  toContractError,
} from './contract-violation.ts';
import { verifyFakeSignature } from './fake-signatures.ts';

/** What the contract checks need besides the body. @internal */
export type ContractContext = {
  model: string;
  capabilities: ModelCapabilities;
  signatureValidation: 'issued' | 'present' | 'off';
  /** Refuse histories that are not gemloop's own shape (`CreateFakeGeminiOptions.strictHistory`). */
  strictHistory?: boolean | undefined;
  /** A Vertex AI route: built-in and function tools combine without includeServerSideToolInvocations. */
  vertex?: boolean | undefined;
  /** The keys the fake served in model turns beyond the known ones: taken back there. */
  served?: ServedFields | undefined;
};

/**
 * Checks a `generateContent` body against the rules the real API enforces and returns the error
 * it would answer, or `undefined` when the request would be accepted. The history rules are the
 * fake's own ({@link checkFakeHistory}), not the client's: the two are held side by side in
 * `history-rules.test.ts`.
 * @internal
 */
export function checkFakeRequest(
  body: unknown,
  context: ContractContext,
): FakeHttpError | undefined {
  if (!isJsonObject(body)) {
    return toContractError([
      invalidValue(
        '',
        'type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentRequest',
        body,
      ),
    ]);
  }
  const { capabilities } = context;
  const violations: ContractViolation[] = [];
  const contents = body['contents'];
  const issues = checkFakeHistory(contents, {
    requireThoughtSignatures:
      capabilities.requiresThoughtSignatures && context.signatureValidation !== 'off',
    strict: context.strictHistory === true,
    servedPartFields: context.served?.part,
  });
  checkMessageFields(contents, violations, context.served);
  for (const issue of issues) violations.push(historyViolation(issue, contents));
  // The system instruction holds parts as the turns do (a media part there is read too).
  const instruction = readField(body, 'systemInstruction', 'system_instruction');
  checkMimeTypes([instruction, ...(Array.isArray(contents) ? contents : [])], violations);
  checkSystemInstruction(body, violations);
  const { hasFunctions } = checkToolsContract(
    body,
    context.model,
    capabilities,
    violations,
    context.vertex === true,
  );
  checkGenerationConfig(body, context.model, capabilities, hasFunctions, violations);
  checkSafetySettings(body, violations, context.vertex === true);
  if (Array.isArray(contents)) {
    if (!capabilities.multimodalFunctionResponses && hasFunctionResponseParts(contents)) {
      // google-gemini/gemini-cli#19436 (2.5).
      violations.push(
        semantic(
          'Unable to submit request because function_response.parts is not supported for this model.',
        ),
      );
    }
    if (context.vertex !== true && hasFileDataInFunctionResponses(contents)) {
      // Approximated with js-genai's converter text (FunctionResponsePart to the Gemini API);
      // Vertex takes fileData there.
      violations.push(semantic('fileData parameter is not supported in Gemini API.'));
    }
    if (capabilities.requiresThoughtSignatures && context.signatureValidation === 'issued') {
      checkIssuedSignatures(contents, context.model, violations);
    }
  }
  return toContractError(violations);
}

function checkSystemInstruction(body: Record<string, unknown>, violations: ContractViolation[]) {
  const instruction = readField(body, 'systemInstruction', 'system_instruction');
  if (!isJsonObject(instruction) || !Array.isArray(instruction['parts'])) return;
  instruction['parts'].forEach((part: unknown, index) => {
    if (isJsonObject(part) && listDataFields(part).length === 0) {
      // songquanpeng/one-api#2243.
      violations.push(
        fieldViolation(
          `system_instruction.parts[${index}].data`,
          "required oneof field 'data' must have one initialized field",
        ),
      );
    }
  });
}

function hasFileDataInFunctionResponses(contents: readonly unknown[]): boolean {
  for (const content of contents) {
    if (!isJsonObject(content) || !Array.isArray(content['parts'])) continue;
    for (const part of content['parts']) {
      const response = isJsonObject(part) ? readFunctionResponse(part) : undefined;
      if (!isJsonObject(response) || !Array.isArray(response['parts'])) continue;
      for (const inner of response['parts']) {
        if (isJsonObject(inner) && readField(inner, 'fileData', 'file_data') !== undefined)
          return true;
      }
    }
  }
  return false;
}

function hasFunctionResponseParts(contents: readonly unknown[]): boolean {
  for (const content of contents) {
    if (!isJsonObject(content) || !Array.isArray(content['parts'])) continue;
    for (const part of content['parts']) {
      if (!isJsonObject(part)) continue;
      const response = readFunctionResponse(part);
      if (
        isJsonObject(response) &&
        Array.isArray(response['parts']) &&
        response['parts'].length > 0
      ) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Signatures are model-bound and opaque: a blob this fake never issued is refused, and one issued
 * for another model too. Texts: "Corrupted thought signature." (heyhuynhgiabuu/proxypal#119, full
 * body) and "Invalid thought signature." (lbjlaq/Antigravity-Manager#3342). Only the first call of
 * each model turn of the active loop is checked, as the API only checks those.
 */
function checkIssuedSignatures(
  contents: readonly unknown[],
  model: string,
  violations: ContractViolation[],
): void {
  for (const { signature } of listSignedSteps(contents)) {
    if (typeof signature !== 'string' || signature === '' || isDummySignature(signature)) continue;
    const check = verifyFakeSignature(signature, model);
    if (check === 'foreign') violations.push(semantic('Corrupted thought signature.'));
    else if (check === 'other-model') violations.push(semantic('Invalid thought signature.'));
  }
}
