import { isJsonObject, type JsonObject, readField } from '@gemloop/core/internal';
import type { ModelCapabilities } from '@gemloop/core/models';
import {
  type ContractViolation,
  fieldViolation,
  semantic,
  unknownName,
} from './contract-violation.ts';

/**
 * The fields of the proto `Schema` (the OpenAPI subset of `parameters`), in both spellings. Any
 * other key is a 400 "Unknown name" (fixture
 * `errors/400-INVALID_ARGUMENT-unknown-name-additionalProperties-in-parameters`).
 */
const schemaFields = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'maxItems',
  'max_items',
  'minItems',
  'min_items',
  'properties',
  'required',
  'minProperties',
  'min_properties',
  'maxProperties',
  'max_properties',
  'minLength',
  'min_length',
  'maxLength',
  'max_length',
  'pattern',
  'example',
  'anyOf',
  'any_of',
  'propertyOrdering',
  'property_ordering',
  'default',
  'minimum',
  'maximum',
]);

/**
 * Built-in (server-side) tool keys, both spellings. `computerUse` is not one: its actions come back
 * as function calls the client runs, and Google's docs pair it with "custom user-defined functions"
 * on the 2.5 computer-use preview, a 2.x model that refuses server-side tools beside functions
 * (ai.google.dev/gemini-api/docs/computer-use, "How Computer Use works").
 */
const builtinKeys = [
  ['googleSearch', 'google_search'],
  ['googleSearchRetrieval', 'google_search_retrieval'],
  ['urlContext', 'url_context'],
  ['codeExecution', 'code_execution'],
  ['googleMaps', 'google_maps'],
  ['fileSearch', 'file_search'],
  // Vertex-only grounding tools (@google/genai 3.1.0 `Tool`); the fake takes them on both routes,
  // as gemloop sends them (a gateway may serve them), and counts them as built-ins.
  ['enterpriseWebSearch', 'enterprise_web_search'],
  ['exaAiSearch', 'exa_ai_search'],
  ['parallelAiSearch', 'parallel_ai_search'],
  ['retrieval', 'retrieval'],
] as const;

const functionName = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** The tool rules of the real API. @internal */
export function checkToolsContract(
  body: JsonObject,
  model: string,
  capabilities: ModelCapabilities,
  violations: ContractViolation[],
  vertex = false,
): { hasFunctions: boolean } {
  const toolConfig = readField(body, 'toolConfig', 'tool_config');
  const circulation = isJsonObject(toolConfig)
    ? readField(
        toolConfig,
        'includeServerSideToolInvocations',
        'include_server_side_tool_invocations',
      )
    : undefined;
  if (circulation === true && !capabilities.combinesBuiltinAndFunctionTools) {
    // Fixture errors/400-INVALID_ARGUMENT-tool-call-context-circulation-not-enabled.json
    violations.push(semantic(`Tool call context circulation is not enabled for models/${model}`));
  }
  const tools = body['tools'];
  if (!Array.isArray(tools)) return { hasFunctions: false };
  let hasFunctions = false;
  let hasBuiltins = false;
  const names = new Set<string>();
  tools.forEach((tool: unknown, toolIndex) => {
    if (!isJsonObject(tool)) return;
    if (builtinKeys.some(([camel, snake]) => readField(tool, camel, snake) !== undefined)) {
      hasBuiltins = true;
    }
    const declarations = readField(tool, 'functionDeclarations', 'function_declarations');
    if (!Array.isArray(declarations)) return;
    declarations.forEach((declaration: unknown, index) => {
      if (!isJsonObject(declaration)) return;
      hasFunctions = true;
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      checkDeclaration(declaration, path, names, violations);
    });
  });
  if (hasFunctions && hasBuiltins) {
    if (!capabilities.combinesBuiltinAndFunctionTools) {
      // Fixture errors/400-INVALID_ARGUMENT-tool-use-with-function-calling-unsupported (2.x).
      violations.push(semantic('Tool use with function calling is unsupported by the model.'));
    } else if (circulation !== true && !vertex) {
      // Vertex combines them without the field (pydantic-ai cassette
      // test_google_vertex_tool_combination_omits_include_server_side_tool_invocations).
      // Approximated: Gemini 3 needs includeServerSideToolInvocations for this combination
      // (pydantic-ai, vercel/ai); the text of its refusal is not recorded, the 2.x one is reused.
      violations.push(semantic('Tool use with function calling is unsupported by the model.'));
    }
  }
  return { hasFunctions };
}

function checkDeclaration(
  declaration: JsonObject,
  path: string,
  names: Set<string>,
  violations: ContractViolation[],
): void {
  const name = declaration['name'];
  if (typeof name !== 'string' || !functionName.test(name)) {
    // Approximated: wording of the API's function-name rule (TYPES FunctionDeclaration.name).
    violations.push(
      fieldViolation(
        `${path}.name`,
        'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 128.',
      ),
    );
  } else if (names.has(name)) {
    // Approximated text.
    violations.push(semantic(`Duplicate function declaration found: ${name}`));
  } else {
    names.add(name);
  }
  const parameters = readField(declaration, 'parameters', 'parameters');
  const jsonSchema = readField(declaration, 'parametersJsonSchema', 'parameters_json_schema');
  if (parameters !== undefined && jsonSchema !== undefined) {
    // Approximated text; the rule is TYPES FunctionDeclaration ("mutually exclusive").
    violations.push(
      semantic(
        `${path}: parameters and parameters_json_schema are mutually exclusive; set only one of them.`,
      ),
    );
  }
  if (isJsonObject(parameters)) checkSchema(parameters, `${path}.parameters`, violations, 0);
}

function checkSchema(
  schema: JsonObject,
  path: string,
  violations: ContractViolation[],
  depth: number,
): void {
  if (depth > 32) return;
  for (const key in schema) {
    if (!schemaFields.has(key)) violations.push(unknownName(key, path));
  }
  const properties = schema['properties'];
  if (isJsonObject(properties)) {
    let index = 0;
    for (const key in properties) {
      const property = properties[key];
      if (isJsonObject(property)) {
        const anyOf = readField(property, 'anyOf', 'any_of');
        if (property['type'] === undefined && anyOf === undefined) {
          // LibreChat#6971: "...parameters.properties[description].type: must be specified when
          // not using one_of, any_of or all_of fields"
          violations.push(
            fieldViolation(
              `${path}.properties[${key}].type`,
              'must be specified when not using one_of, any_of or all_of fields',
            ),
          );
        }
        checkSchema(property, `${path}.properties[${index}].value`, violations, depth + 1);
      }
      index++;
    }
  }
  const items = schema['items'];
  if (isJsonObject(items)) checkSchema(items, `${path}.items`, violations, depth + 1);
  const anyOf = readField(schema, 'anyOf', 'any_of');
  if (Array.isArray(anyOf)) {
    anyOf.forEach((entry: unknown, index) => {
      if (isJsonObject(entry))
        checkSchema(entry, `${path}.any_of[${index}]`, violations, depth + 1);
    });
  }
}
