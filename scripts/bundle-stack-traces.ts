// Injected into a fixture bundle (scripts/bundle-fixture.ts), where it runs before the bundle's
// other code: the stack traces of the process name our files and lines, through the bundle's
// source map (`<bundle>.map`), read when a stack trace first needs it. The bundle is a CommonJS
// script: its frames name it by path (`__filename`, its body's: code-cache-loader.cjs).
//
// Node's own `--enable-source-maps` does the same, but for every module it loads it splits the
// source into lines (a 4.6 MB bundle: ~120k strings) and it parses the map when the first stack
// trace is formatted, which DBOS does at every workflow registration: measured on the fixture
// worker at load 32-47, ~0.23 s of CPU to its `ready` with the thinned map (bare: ~0.53 s), and
// this ~0.05 s (bench/RESULTS.md, issue 53, helper test-speed-dbos). The map is Node's own
// parser (`module.SourceMap`); only the frame's text is made here.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundleFile = __filename;
let map: SourceMap | null | undefined;

/** The bundle's map, read once; `null` when it cannot be read (frames then print unmapped). */
function bundleMap(): SourceMap | null {
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, 'utf8')));
    } catch {
      map = null;
    }
  }
  return map;
}

/** A frame as V8 prints it, its bundle position replaced by the original file's where mapped. */
function describeFrame(frame: NodeJS.CallSite): string {
  const text = String(frame);
  const file = frame.getFileName();
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (file !== bundleFile || line === null || column === null) return text;
  const entry = bundleMap()?.findEntry(line - 1, column - 1);
  if (
    entry === undefined ||
    !('originalSource' in entry) ||
    typeof entry.originalSource !== 'string'
  )
    return text;
  const original = fileURLToPath(new URL(entry.originalSource, pathToFileURL(bundleFile)));
  return text.replace(
    `${file}:${line}:${column}`,
    `${original}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
  );
}

/** The header V8 writes (`Name: message`), kept when the error's own `toString` throws. */
function describeError(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

/**
 * Whether the stack is one DBOS takes at each registration, not an error's: DBOS 5.3's
 * `StackGrabber` (`@dbos-inc/dbos-sdk` `dist/src/decorators.js`, `super('StackGrabber')`) formats
 * the stack of every workflow and step it registers, to name that place in a conflicting- or
 * late-registration error (`DBOSConflictingRegistrationError`), which the fixtures never meet. Its
 * frames stay as V8 writes them (function names, bundle positions), so a start parses no map for
 * them (a CPU profile of a start had the map's parse as its largest item): the fixture worker's CPU
 * to its `ready`, five starts a round, ABAB at load 16-20, 287, 310, 291 -> 254, 234 ms (mean of
 * each round; bench/RESULTS.md, issue 53, helper test-speed11). An error's stack is mapped as before.
 */
function isRegistrationStack(error: Error): boolean {
  try {
    return error.message === 'StackGrabber';
  } catch {
    return false;
  }
}

Error.prepareStackTrace = (error, frames) => {
  const describe = isRegistrationStack(error) ? String : describeFrame;
  return `${describeError(error)}${frames.map((frame) => `\n    at ${describe(frame)}`).join('')}`;
};
