import { ApiCallError } from '../errors/api-call-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';

/** The longest class name taken as `error.type` (Java's longest JDK class names are under 100). */
const MAX_ERROR_TYPE_CHARS = 100;

// A class name as a runtime writes one: identifiers, dot-separated (`java.net.UnknownHostException`,
// the convention's own example). No space, colon, slash or control character: text, not a type.
const CLASS_NAME = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

// Five digits in a row are an id or a time, not part of a class name someone wrote by hand: a name
// built per call (`Failed_1733112345678`) would make one metric series per call.
const DIGIT_RUN = /\d{5}/;

/**
 * The low-cardinality `error.type` of a failure: the HTTP error status of an API error (`'429'`),
 * `'timeout'` for a time limit, otherwise the error's class name (`'AgentAbortedError'`,
 * `'AbortError'`), and `'_OTHER'` for a thrown non-error (a thrown string included: it is text,
 * such as an abort's reason, not a type) or a `name` that is no class name (text, an id, a key,
 * an address, over 100 characters, or a getter that throws). Never the message (it may hold data).
 * @internal
 */
export function toErrorType(error: unknown): string {
  // An error status only (OpenTelemetry's HTTP conventions: the status code when it "indicates an
  // error"): a 2xx answer whose body broke or made no sense is typed by its class (leftovers79b).
  if (ApiCallError.isInstance(error) && error.status !== undefined && error.status >= 400) {
    return String(error.status);
  }
  if (TimeoutError.isInstance(error)) return 'timeout';
  // A thrown string is text (an abort's reason: `abort('tab closed')` makes a model call throw
  // it), not a type: as an attribute it would carry caller text into spans and metrics, one
  // series per distinct reason. OpenTelemetry's error.type: `_OTHER` when no type is known.
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    return classNameOf(error) ?? '_OTHER';
  }
  return '_OTHER';
}

// `error.type` is a metric attribute: OpenTelemetry asks for it predictable and of low
// cardinality, the canonical class name of the type. A thrown object's `name` is whatever its
// code set (a plugin's, a gateway client's): a sentence, an id per call, a key (leftovers78).
function classNameOf(error: object): string | undefined {
  let name: unknown;
  try {
    name = (error as { name?: unknown }).name;
  } catch {
    // A getter that throws names no type; the failure is still observed.
    return undefined;
  }
  if (typeof name !== 'string' || name === 'Error' || name.length > MAX_ERROR_TYPE_CHARS) {
    return undefined;
  }
  if (!CLASS_NAME.test(name) || DIGIT_RUN.test(name)) return undefined;
  // A key shape (`AIza...` is an identifier too) or a host name the rules know.
  return redactLocalDetails(name) === name ? name : undefined;
}
