import {
  cutText,
  isJsonObject,
  listDataFields,
  readFunctionCall,
  readFunctionResponse,
  readThoughtSignature,
} from '@gemloop/core/internal';
import type { FakeHistoryIssue } from './check-fake-history.ts';
import {
  type ContractViolation,
  fieldViolation,
  invalidValue,
  notRepeating,
  semantic,
} from './contract-violation.ts';

const CONTENT_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1beta.Content';
const PART_TYPE = 'type.googleapis.com/google.ai.generativelanguage.v1beta.Part';
const STRUCT_TYPE = 'type.googleapis.com/google.protobuf.Struct';

/**
 * The real API's words for a broken {@link FakeHistoryIssue} rule. Sources: fixtures under
 * `test/fixtures/gemini/errors/`, public issue reports (named inline), or, where no recording
 * exists, the proto-JSON wording the API uses for that class of error (marked approximated).
 * @internal
 */
export function historyViolation(issue: FakeHistoryIssue, contents: unknown): ContractViolation {
  const at = `contents[${issue.contentIndex}]`;
  const partAt = `${at}.parts[${issue.partIndex ?? 0}]`;
  const part = readPart(contents, issue);
  switch (issue.rule) {
    case 'invalid-contents':
      // Approximated: proto-JSON wording.
      return invalidValue('contents', CONTENT_TYPE, contents);
    case 'empty-contents':
      // vercel/ai#3775.
      return fieldViolation('contents', 'contents is not specified');
    case 'invalid-content':
      return invalidValue(at, CONTENT_TYPE, readContent(contents, issue.contentIndex));
    case 'invalid-role':
      // the-open-agent/openagent#1666, songquanpeng/one-api#1385.
      return semantic('Please use a valid role: user, model.');
    case 'empty-parts':
      // langchain-ai/langchain-google#691, aaif-goose/goose#1585.
      return fieldViolation(`${at}.parts`, 'contents.parts must not be empty.');
    case 'invalid-part':
      return issue.partIndex === undefined
        ? invalidValue(`${at}.parts`, PART_TYPE, readContent(contents, issue.contentIndex))
        : invalidValue(partAt, PART_TYPE, part);
    case 'missing-part-data':
      // boldsoftware/sketch#68, genkit-ai/genkit#3816.
      return fieldViolation(
        `${partAt}.data`,
        "required oneof field 'data' must have one initialized field",
      );
    case 'invalid-text':
      // Approximated: proto-JSON wording for a value of the wrong type in a string field.
      return invalidValue(`${partAt}.text`, 'TYPE_STRING', part?.['text']);
    case 'multiple-part-data':
      // Approximated: proto-JSON wording for a second member of a oneof.
      return {
        kind: 'parse',
        field: partAt,
        description: `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${listDataFields(part ?? {})[1] ?? 'data'}'`,
      };
    case 'invalid-function-call':
      return functionCallViolation(part, `${partAt}.function_call`);
    case 'invalid-function-response':
      return isJsonObject(readFunctionResponse(part ?? {}))
        ? // Approximated.
          fieldViolation(`${partAt}.function_response.name`, 'Name cannot be empty.')
        : invalidValue(
            `${partAt}.function_response`,
            STRUCT_TYPE,
            readFunctionResponse(part ?? {}),
          );
    case 'function-response-not-object': {
      const response = readFunctionResponse(part ?? {}) as Record<string, unknown>;
      // danny-avila/LibreChat#5525 for the list; proto-JSON wording for scalars (approximated).
      return Array.isArray(response['response'])
        ? notRepeating('response', `${partAt}.function_response`)
        : invalidValue(`${partAt}.function_response.response`, STRUCT_TYPE, response['response']);
    }
    case 'invalid-thought-signature': {
      // Approximated: the API's wording for a bytes field that is not base64 (seen on inline_data).
      // Cut between characters: half an emoji is no character, and the API quotes none.
      const signature = readThoughtSignature(part ?? {});
      return {
        kind: 'parse',
        field: `${partAt}.thought_signature`,
        description:
          typeof signature === 'string'
            ? `Invalid value at '${partAt}.thought_signature' (TYPE_BYTES), Base64 decoding failed for "${cutText(signature, 40)}"`
            : `Invalid value at '${partAt}.thought_signature' (TYPE_BYTES), ${JSON.stringify(signature)}`,
      };
    }
    case 'function-call-and-response-mixed':
      // googleapis/python-genai#81.
      return semantic(
        'Please ensure that function call turn contains at least one function_call part which can not be mixed with function_response parts.',
      );
    case 'function-call-turn-position':
    case 'function-call-not-in-model-turn':
      // google-gemini/gemini-cli#11814 (a history that starts with a function call); the
      // user-role case is approximated with the same text.
      return semantic(
        'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
      );
    case 'function-response-without-call':
    case 'function-response-not-in-user-turn':
      // langchain-ai/langchain#27799; the model-role case is approximated with the same text.
      return semantic(
        'Please ensure that function response turn comes immediately after a function call turn.',
      );
    case 'function-response-count':
    case 'function-call-without-response':
      // Fixture errors/400-INVALID_ARGUMENT-functionResponse-count-mismatch (gemini-cli#4504,
      // #6513): a call turn followed by user text has zero responses for its calls.
      return semantic(
        'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
      );
    case 'function-response-id-mismatch':
      // Title of router-for-me/CLIProxyAPI#5199 (gemini-3.7-flash through a gateway).
      return semantic('functionResponse.id does not match functionCall.id');
    case 'function-response-name-mismatch':
      // Approximated: no recording; stricter than the API may be, on purpose.
      return semantic('functionResponse.name does not match functionCall.name');
    case 'missing-thought-signature': {
      const call = readFunctionCall(part ?? {});
      const name = isJsonObject(call) && typeof call['name'] === 'string' ? call['name'] : '';
      // Fixture errors/400-INVALID_ARGUMENT-missing-thought_signature; "position" is the 1-based
      // index of the content (every public report of a first tool call says "position 2").
      return semantic(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${issue.contentIndex + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  }
}

function functionCallViolation(
  part: Record<string, unknown> | undefined,
  path: string,
): ContractViolation {
  const call = readFunctionCall(part ?? {});
  if (!isJsonObject(call)) return invalidValue(path, STRUCT_TYPE, call);
  const args = call['args'];
  if (Array.isArray(args)) return notRepeating('args', path);
  if (args !== undefined && args !== null && !isJsonObject(args)) {
    return invalidValue(`${path}.args`, STRUCT_TYPE, args);
  }
  // Approximated.
  return fieldViolation(`${path}.name`, 'Name cannot be empty.');
}

function readContent(contents: unknown, index: number): unknown {
  return Array.isArray(contents) ? contents[index] : undefined;
}

function readPart(contents: unknown, issue: FakeHistoryIssue): Record<string, unknown> | undefined {
  if (issue.partIndex === undefined) return undefined;
  const content = readContent(contents, issue.contentIndex);
  if (!isJsonObject(content) || !Array.isArray(content['parts'])) return undefined;
  const part: unknown = content['parts'][issue.partIndex];
  return isJsonObject(part) ? part : undefined;
}
