// What a JSON-RPC request's `params` must be before the SDK reads them. `@a2a-js/sdk` 1.3 reads
// them with its generated `fromJSON` (`String(value)`, `Part.fromJSON(element)`, a base64 read),
// which throws on a `null` part, a `raw` that is not a string or an id such as `{"toString":1}`
// (a TypeError the SDK answers as -32603, an internal error), and reads a plain object as the
// text "[object Object]". JSON-RPC 2.0 gives such params -32602, "Invalid params"
// (https://www.jsonrpc.org/specification#error_object), as the A2A specification's JSON-RPC
// binding does (https://a2a-protocol.org/latest/specification/, its errors) and as the SDK's own
// `RequestMalformedError` is mapped (`A2A_ERROR_CODE.INVALID_PARAMS`). The check is lenient as the
// SDK is: a field left out or `null` is unset, an unknown field is ignored, a scalar may be any
// JSON scalar (the SDK reads `5` as the id "5"); it refuses what cannot be read as the field at all.

import { nestsDeeperThan } from '../../door/nests-deeper-than.ts';
import { unprintableIdFault } from '../../door/printable-id.ts';

/** JSON-RPC's invalid params. @internal */
export const INVALID_PARAMS = -32602;

/** A field's JSON shape: a scalar (named as the spec types it), bytes, anything, a list, an object. */
type Shape =
  | 'id'
  | 'ids'
  | 'string'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'base64 string'
  | 'any'
  | readonly [Shape]
  | Fields;

/** An object's known fields. */
type Fields = { readonly [field: string]: Shape };

const STRINGS: readonly ['string'] = ['string'];

/** A part, v1.0's (`text`, `raw`, `url`, `data`) and v0.3's (`kind`, `file`), both spellings. */
const PART: Fields = {
  kind: 'string',
  text: 'string',
  raw: 'base64 string',
  url: 'string',
  data: 'any',
  metadata: 'any',
  filename: 'string',
  mediaType: 'string',
  media_type: 'string',
  file: { bytes: 'base64 string', uri: 'string', name: 'string', mimeType: 'string' },
};

const MESSAGE: Fields = {
  kind: 'string',
  messageId: 'id',
  message_id: 'id',
  contextId: 'id',
  context_id: 'id',
  taskId: 'id',
  task_id: 'id',
  role: 'enum',
  parts: [PART],
  metadata: 'any',
  extensions: STRINGS,
  referenceTaskIds: 'ids',
  reference_task_ids: 'ids',
};

const AUTHENTICATION: Fields = { scheme: 'string', schemes: STRINGS, credentials: 'string' };

/** A push notification config, v1.0's `TaskPushNotificationConfig` and v0.3's. */
const PUSH_CONFIG: Fields = {
  tenant: 'string',
  id: 'id',
  taskId: 'id',
  task_id: 'id',
  url: 'string',
  token: 'string',
  authentication: AUTHENTICATION,
};

const CONFIGURATION: Fields = {
  acceptedOutputModes: STRINGS,
  accepted_output_modes: STRINGS,
  taskPushNotificationConfig: PUSH_CONFIG,
  task_push_notification_config: PUSH_CONFIG,
  pushNotificationConfig: PUSH_CONFIG,
  historyLength: 'number',
  history_length: 'number',
  returnImmediately: 'boolean',
  return_immediately: 'boolean',
  blocking: 'boolean',
};

/**
 * The params of every method the door serves, v1.0's and v0.3's (their fields do not clash): one
 * shape, so a method the check does not know still gets its known fields checked.
 */
const PARAMS: Fields = {
  ...PUSH_CONFIG,
  message: MESSAGE,
  configuration: CONFIGURATION,
  metadata: 'any',
  historyLength: 'number',
  history_length: 'number',
  contextId: 'id',
  context_id: 'id',
  status: 'enum',
  pageSize: 'number',
  page_size: 'number',
  pageToken: 'string',
  page_token: 'string',
  statusTimestampAfter: 'string',
  status_timestamp_after: 'string',
  includeArtifacts: 'boolean',
  include_artifacts: 'boolean',
  pushNotificationConfig: PUSH_CONFIG,
  pushNotificationConfigId: 'id',
};

/**
 * What is wrong with a request's `params`, in fixed words naming the field
 * (`params.message.parts[0] must be an object.`); `undefined` when the SDK can read them. Params
 * that are not an object are left to the SDK (its own -32602). Only the known shape is walked, never
 * a free-form value (`data`, `metadata`), so a deep or large `data` costs nothing here.
 * @internal
 */
export function checkRpcParams(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  // The SDK reads `metadata` and `data` recursively (Struct values): past ~2,000 levels (a 12 KB
  // body) its read overflowed the stack, answered as its internal error (-32603). Walked here
  // without recursion, well below that.
  if (nestsDeeperThan(params, MAX_PARAMS_DEPTH)) {
    return `params nest deeper than ${MAX_PARAMS_DEPTH} levels (in metadata or a data part): send them flatter.`;
  }
  return fault(params, PARAMS, 'params');
}

/** The longest id (of a task, context, message or push config) a request may name. */
const MAX_ID_CHARS = 1024;

/**
 * The most tasks a message may name in `referenceTaskIds`: the SDK loads each one, and writes
 * `Reference task <id> not found.` to the console for each it does not find (another caller's,
 * or none), so 10,000 of them were 10,000 lines of the caller's text on the server's terminal.
 */
const MAX_REFERENCED_TASKS = 100;

/** How deep a request's params may nest, counted from `params`. */
const MAX_PARAMS_DEPTH = 128;

/** The first field of `value` that does not fit `shape`, as the words that say so. */
function fault(value: unknown, shape: Shape, path: string): string | undefined {
  if (shape === 'any') return undefined;
  if (typeof shape === 'string') {
    // The SDK echoes an id it does not find ("Task not found: <id>"): a 100 KB id came back whole.
    if (shape === 'id' && typeof value === 'string') {
      if (value.length > MAX_ID_CHARS)
        return `${path} must be an id of at most ${MAX_ID_CHARS} characters.`;
      const unprintable = unprintableIdFault(path, value);
      if (unprintable !== undefined) return unprintable;
    }
    if (shape === 'ids') {
      if (!Array.isArray(value)) return `${path} must be a list.`;
      if (value.length > MAX_REFERENCED_TASKS)
        return `${path} may name at most ${MAX_REFERENCED_TASKS} tasks.`;
      return fault(value, ['id'], path);
    }
    if (shape === 'base64 string')
      return typeof value === 'string' ? undefined : `${path} must be a base64 string.`;
    return typeof value === 'object' ? `${path} must be ${WORDS[shape]}.` : undefined;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${path} must be a list.`;
    const [each] = shape as readonly [Shape];
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const at = `${path}[${index}]`;
      if (item === null || item === undefined) return `${at} must not be null.`;
      const found = fault(item, each, at);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${path} must be an object.`;
  const record = value as Record<string, unknown>;
  for (const [field, inner] of Object.entries(shape as Fields)) {
    if (!Object.hasOwn(record, field)) continue;
    const item = record[field];
    // Unset, as the SDK reads it.
    if (item === null || item === undefined) continue;
    const found = fault(item, inner, `${path}.${field}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How a scalar field is named in the words of a refusal. */
const WORDS = {
  id: 'a string',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  enum: 'a string or a number',
} as const;
