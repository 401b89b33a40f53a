/**
 * The path-valued settings of one git config file that decide what git runs: every
 * `core.hooksPath` and every `include.path` / `includeIf.<condition>.path`, as written (not yet
 * resolved), in file order.
 * @internal
 */
export type GitConfigPaths = { hooksPaths: string[]; includePaths: string[] };

/**
 * Reads the settings {@link GitConfigPaths} names from the text of a git config file, the way
 * git-config(1) "CONFIGURATION FILE" describes the syntax: `[section]`, `[section "sub"]` and the
 * legacy `[section.sub]` headers, case-insensitive section and key names, `#` and `;` comments,
 * double-quoted values with `\"`, `\\`, `\n`, `\t` escapes, and a trailing `\` that continues a
 * value on the next line. Includes are listed whatever their condition: a file an `includeIf`
 * may load is protected like one that is always loaded.
 *
 * The text is untrusted (a file in the repository): the parser never throws and, where a line
 * is malformed, skips it.
 * @internal
 */
export function readGitConfigPaths(text: string): GitConfigPaths {
  const found: GitConfigPaths = { hooksPaths: [], includePaths: [] };
  // Lower-cased; a subsection shows as `name.*` (see readHeader).
  const lines = text.split(/\r?\n/);
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    let line = (lines[index] as string).trimStart();
    if (line.startsWith('[')) {
      const header = readHeader(line);
      if (header === undefined) continue;
      section = header.section;
      line = header.rest.trimStart();
    }
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const match = /^([A-Za-z][A-Za-z0-9-]*)\s*(=?)/.exec(line);
    if (match === null) continue;
    const key = (match[1] as string).toLowerCase();
    if (match[2] === '') continue; // `key` alone is a boolean true: not a path
    let rest = line.slice(match[0].length);
    // A value continues on the next line after a trailing backslash (outside quotes, roughly).
    while (rest.endsWith('\\') && index + 1 < lines.length) {
      rest = `${rest.slice(0, -1)}${lines[++index] as string}`;
    }
    const value = readValue(rest);
    if (section === 'core' && key === 'hookspath') found.hooksPaths.push(value);
    else if ((section === 'include' || section === 'includeif') && key === 'path') {
      found.includePaths.push(value);
    }
  }
  return found;
}

/** The section name of a header line (lower-cased, subsection dropped) and what follows `]`. */
function readHeader(line: string): { section: string; rest: string } | undefined {
  let end = -1;
  let quoted = false;
  for (let index = 1; index < line.length; index++) {
    const char = line[index];
    if (char === '\\' && quoted) {
      index++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (char === ']' && !quoted) {
      end = index;
      break;
    }
  }
  if (end === -1) return undefined;
  const inside = line.slice(1, end).trim();
  const name = (/^[A-Za-z0-9.-]*/.exec(inside)?.[0] ?? '').toLowerCase();
  // `[includeIf "gitdir:..."]` is read as `includeif`; `[core "x"]` and the legacy `[core.x]`
  // are subsections, whose keys (`core.x.hooksPath`) are not `core.hooksPath`.
  const hasSubsection = name.includes('.') || inside.slice(name.length).trim() !== '';
  const section = hasSubsection && name !== 'includeif' ? `${name}.*` : name;
  return { section, rest: line.slice(end + 1) };
}

/** A value as git reads it: quotes removed, escapes applied, comments and outer spaces cut. */
function readValue(raw: string): string {
  let value = '';
  let quoted = false;
  // Spaces are kept inside quotes and between words, not at the ends.
  let pendingSpace = '';
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index] as string;
    if (char === '\\') {
      const next = raw[index + 1];
      index++;
      const escaped =
        next === 'n' ? '\n' : next === 't' ? '\t' : next === 'b' ? '\b' : (next ?? '');
      value += pendingSpace + escaped;
      pendingSpace = '';
      continue;
    }
    if (char === '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (char === '#' || char === ';')) break;
    if (!quoted && (char === ' ' || char === '\t')) {
      if (value !== '') pendingSpace += char;
      continue;
    }
    value += pendingSpace + char;
    pendingSpace = '';
  }
  return value;
}
