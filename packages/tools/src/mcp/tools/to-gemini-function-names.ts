/** Why an MCP tool got a different name in gemloop. */
export type McpToolRenameReason =
  /** The name has characters outside `[A-Za-z0-9_.:-]`; each became `_`. */
  | 'invalid-characters'
  /** The name starts with a digit, `.`, `:` or `-` (or is empty); `_` was put in front. */
  | 'invalid-start'
  /** The name is longer than 128 characters; it was cut and given a hash of the full name. */
  | 'too-long'
  /** The name (after the steps above) was already taken; a hash of the MCP name was appended. */
  | 'collision';

/** An MCP tool whose gemloop name differs from `prefix + mcpName`. */
export type McpToolRename = {
  /** The name on the MCP server, used for calls. */
  mcpName: string;
  /** The name declared to Gemini. */
  name: string;
  reasons: McpToolRenameReason[];
};

/** The result of {@link toGeminiFunctionNames}. */
export type GeminiFunctionNames = {
  /** One gemloop name per input name, in input order. */
  names: string[];
  renamed: McpToolRename[];
};

/** Gemini's rule for function names (js-genai `FunctionDeclaration.name`). */
const validName = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const maxLength = 128;
// `_` plus 8 hex digits.
const hashSuffixLength = 9;

/**
 * Turns MCP tool names into valid, unique Gemini function names, deterministically: the same
 * names (in any order) with the same prefix and reserved names always give the same result.
 *
 * - `prefix` goes in front of every name (`github_` turns `search` into `github_search`).
 * - Characters Gemini does not allow become `_`; a name that cannot start a Gemini name gets a
 *   leading `_`; a name over 128 characters is cut and ends in `_` plus a hash of the MCP name.
 * - When two names end up equal, or equal a name in `reservedNames` (other tools, other servers),
 *   a name that needed no change keeps it, and the others get `_` plus a hash of their MCP name.
 *
 * @internal
 */
export function toGeminiFunctionNames({
  mcpNames,
  prefix = '',
  reservedNames = [],
}: {
  mcpNames: readonly string[];
  prefix?: string | undefined;
  reservedNames?: Iterable<string> | undefined;
}): GeminiFunctionNames {
  const taken = new Set(reservedNames);
  const candidates = mcpNames.map((mcpName) => toCandidate(prefix, mcpName));
  const names: string[] = new Array(mcpNames.length);
  // Unchanged names claim first, so a valid name never loses to a sanitised look-alike; within each
  // group the MCP names go in sorted order, so the server's listing order changes nothing.
  const order = [...candidates.keys()].sort((left, right) =>
    compareNames(candidates[left]?.mcpName ?? '', candidates[right]?.mcpName ?? ''),
  );
  const unchanged = candidates.map((candidate) => candidate.reasons.length === 0);
  for (const pass of [true, false]) {
    for (const index of order) {
      const candidate = candidates[index] as Candidate;
      if (unchanged[index] !== pass) continue;
      let name = candidate.name;
      if (taken.has(name)) {
        candidate.reasons.push('collision');
        const hash = hashName(candidate.mcpName);
        name = `${name.slice(0, maxLength - hashSuffixLength)}_${hash}`;
        // Two MCP names with the same hash (or a server listing one name twice) still need
        // distinct names: count up, keeping within 128 characters.
        for (let counter = 2; taken.has(name); counter++) {
          const suffix = `_${hash}_${counter}`;
          name = `${candidate.name.slice(0, maxLength - suffix.length)}${suffix}`;
        }
      }
      taken.add(name);
      names[index] = name;
    }
  }
  const renamed: McpToolRename[] = [];
  for (const [index, candidate] of candidates.entries()) {
    if (candidate.reasons.length > 0) {
      renamed.push({
        mcpName: candidate.mcpName,
        name: names[index] as string,
        reasons: candidate.reasons,
      });
    }
  }
  return { names, renamed };
}

/**
 * Whether `name` is a valid Gemini function name.
 * @internal
 */
export function isValidGeminiFunctionName(name: string): boolean {
  return validName.test(name);
}

function compareNames(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

type Candidate = { mcpName: string; name: string; reasons: McpToolRenameReason[] };

function toCandidate(prefix: string, mcpName: string): Candidate {
  const full = prefix + mcpName;
  if (validName.test(full)) return { mcpName, name: full, reasons: [] };
  const reasons: McpToolRenameReason[] = [];
  let name = full.replace(/[^A-Za-z0-9_.:-]/g, '_');
  if (name !== full) reasons.push('invalid-characters');
  if (!/^[A-Za-z_]/.test(name)) {
    name = `_${name}`;
    reasons.push('invalid-start');
  }
  if (name.length > maxLength) {
    name = `${name.slice(0, maxLength - hashSuffixLength)}_${hashName(mcpName)}`;
    reasons.push('too-long');
  }
  return { mcpName, name, reasons };
}

/** FNV-1a (32 bit) of the UTF-16 code units, as 8 hex digits: stable across runs and platforms. */
function hashName(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
