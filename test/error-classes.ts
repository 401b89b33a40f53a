import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');

/** An error class as its source declares it: its file, base class, own `code` and own `name`. */
export type ErrorClass = { file: string; base: string; code?: string; ownName?: string };

function sourceFilesOf(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', '__fixtures__'].includes(entry.name)
        ? []
        : sourceFilesOf(path);
    }
    return /\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Every class of every package's `src` (tests and fixtures left out) by name, read from the
 * source: a scan rather than the packages' exports, so a class a package throws but does not
 * export is found too (error-names.test.ts, page-messages.test.ts).
 */
export function errorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>();
  const files = readdirSync(PACKAGES).flatMap((name) => {
    try {
      return sourceFilesOf(join(PACKAGES, name, 'src'));
    } catch {
      return [];
    }
  });
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    // A class's body: from its heading to the first line that is a closing brace alone.
    for (const match of source.matchAll(/class (\w+) extends (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
      const [, name, base, body] = match as unknown as [string, string, string, string];
      const code = /readonly code(?:: [^=]+)? = '([^']+)'/.exec(body)?.[1];
      const ownName = /get name\(\): string \{\s*return '([^']+)';/.exec(body)?.[1];
      classes.set(name, {
        file: relative(ROOT, file),
        base,
        ...(code === undefined ? {} : { code }),
        ...(ownName === undefined ? {} : { ownName }),
      });
    }
  }
  return classes;
}

/** Whether the class `name` of `classes` descends from `GemloopError`. */
export function descendsFromGemloopError(classes: Map<string, ErrorClass>, name: string): boolean {
  const found = classes.get(name);
  return (
    found !== undefined &&
    (found.base === 'GemloopError' || descendsFromGemloopError(classes, found.base))
  );
}

/** The `code` the class `name` of `classes` sets, its own or the nearest base's. */
export function codeOf(classes: Map<string, ErrorClass>, name: string): string | undefined {
  const found = classes.get(name);
  return found === undefined ? undefined : (found.code ?? codeOf(classes, found.base));
}
