/**
 * Deep equality of parsed JSON values, key order ignored: "byte-equal in JSON terms". Clients
 * rebuild objects with their own key order, which JSON does not give meaning to.
 */
export function jsonEqual(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || typeof actual !== 'object') return false;
  if (expected === null || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || expected.length !== actual.length) return false;
    for (let index = 0; index < expected.length; index++) {
      if (!jsonEqual(expected[index], actual[index])) return false;
    }
    return true;
  }
  if (Array.isArray(actual)) return false;
  const expectedRecord = expected as Record<string, unknown>;
  const actualRecord = actual as Record<string, unknown>;
  let count = 0;
  for (const key in expectedRecord) {
    count++;
    if (!(key in actualRecord) || !jsonEqual(expectedRecord[key], actualRecord[key])) return false;
  }
  for (const _key in actualRecord) count--;
  return count === 0;
}

/**
 * Says where two JSON values differ (`parts[0].thoughtSignature: missing`), for the error the
 * server sends back. Only called after {@link jsonEqual} said no, so it may be slow.
 */
export function describeJsonDifference(expected: unknown, actual: unknown, path = ''): string {
  const at = path === '' ? '(root)' : path;
  if (
    typeof expected !== 'object' ||
    expected === null ||
    typeof actual !== 'object' ||
    actual === null
  ) {
    return `${at}: expected ${preview(expected)}, got ${preview(actual)}`;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) {
      return `${at}: expected ${preview(expected)}, got ${preview(actual)}`;
    }
    if (expected.length !== actual.length) {
      return `${at}: expected ${expected.length} items, got ${actual.length}`;
    }
    for (let index = 0; index < expected.length; index++) {
      if (!jsonEqual(expected[index], actual[index])) {
        return describeJsonDifference(expected[index], actual[index], `${path}[${index}]`);
      }
    }
    return `${at}: equal`;
  }
  const expectedRecord = expected as Record<string, unknown>;
  const actualRecord = actual as Record<string, unknown>;
  for (const key of Object.keys(expectedRecord)) {
    const child = path === '' ? key : `${path}.${key}`;
    if (!(key in actualRecord)) return `${child}: missing`;
    if (!jsonEqual(expectedRecord[key], actualRecord[key])) {
      return describeJsonDifference(expectedRecord[key], actualRecord[key], child);
    }
  }
  for (const key of Object.keys(actualRecord)) {
    if (!(key in expectedRecord))
      return `${path === '' ? key : `${path}.${key}`}: unexpected field`;
  }
  return `${at}: equal`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
