#!/usr/bin/env node

// The API reference, generated from the TSDoc of every public package's entry points into
// docs/api/ (gitignored): `npm run docs:api`. Any TypeDoc warning (a broken {@link}, an unknown
// tag, an exported type that is not documented because it is not exported) fails the run:
// test/docs-api.test.ts runs this and `npm test` runs that test.
//
// Entry points come from each public package's `exports` map, through its `@gemloop/source`
// condition (the src file behind each subpath), so a new package or subpath is documented
// without editing this file; each module is named after its import specifier.
//
// TypeDoc 0.28 supports TypeScript up to 6.0, not the 7.0 the repository builds with, so this
// package (docs/) has its own TypeScript 6 just for TypeDoc.
// Usage: node docs/build-api.mjs [--out <dir>] [--html]

import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, LogLevel, OptionDefaults, ReflectionKind } from 'typedoc';
import { listPublicPackages } from '../scripts/pack.mjs';

const here = fileURLToPath(new URL('./', import.meta.url));

/** `[{ specifier, file }]`: every documented import specifier and the source file behind it. */
export function listEntryPoints() {
  return listPublicPackages().flatMap(({ name, directory }) => {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    return Object.entries(manifest.exports ?? {})
      .filter(([subpath]) => subpath !== './package.json')
      .flatMap(([subpath, target]) => {
        const condition = typeof target === 'object' ? target['@gemloop/source'] : undefined;
        // An entry with a Node and a portable build (@gemloop/core) documents the Node one: it
        // exports everything the portable one does, plus the Node-only parts.
        const source =
          typeof condition === 'object' && condition !== null
            ? (condition.node ?? condition.default)
            : condition;
        if (typeof source !== 'string') return [];
        const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
        return [{ specifier, file: resolve(directory, source) }];
      });
  });
}

export async function buildApiReference({ out = join(here, 'api'), html = false } = {}) {
  const entries = listEntryPoints();
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map(({ file }) => file),
    entryPointStrategy: 'resolve',
    tsconfig: join(here, 'tsconfig.api.json'),
    out,
    plugin: html ? [] : ['typedoc-plugin-markdown'],
    readme: 'none',
    name: 'gemloop API reference',
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    // A doc comment may end with `@ts-ignore` (a directive TypeScript reads there, kept in .d.ts).
    modifierTags: [...OptionDefaults.modifierTags, '@ts-ignore'],
    treatWarningsAsErrors: true,
    validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false },
    logLevel: LogLevel.Warn,
    disableSources: true,
    // tsc -b type-checks the same sources; TypeDoc only needs the program, not a second check.
    skipErrorChecking: true,
  });
  // TypeDoc makes its program from the tsconfig's files (every non-test file of every package,
  // ~1,200): rooted at the entry points instead, it holds what they reach and no more, the same
  // reference written (the output folders compared equal), 43.2, 42.7 -> 40.0, 37.2 s of CPU
  // (ABAB, load 12-22).
  app.options.setCompilerOptions(
    entries.map(({ file }) => file),
    app.options.getCompilerOptions(app.logger),
    app.options.getProjectReferences(),
  );
  // Name each module after its import specifier, not its path (`testing/src/index.ts`).
  const names = new Map(entries.map(({ specifier, file }) => [file, specifier]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context
      .getSymbolFromReflection(reflection)
      ?.declarations?.[0]?.getSourceFile().fileName;
    const name = file === undefined ? undefined : names.get(resolve(file));
    if (name !== undefined) reflection.name = name;
  });
  app.converter.on(Converter.EVENT_RESOLVE_END, linkAcrossEntryPoints);
  const project = await app.convert();
  if (project) app.validate(project);
  if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) {
    throw new Error('TypeDoc reported the problems above; fix the TSDoc (warnings fail the run).');
  }
  await app.generateOutputs(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    throw new Error('TypeDoc reported the problems above while writing the reference.');
  }
  return { out, modules: entries.map(({ specifier }) => specifier) };
}

/**
 * Lets `{@link Name}` reach a name another entry point exports. @gemloop/core's root and each
 * subpath are separate modules here, and TypeDoc looks a bare name up only in the module of the
 * comment (TypeScript's lookup does not apply to every tag), so `{@link InvalidArgumentError}` in
 * `createLogger` (in /logging) would fail though the class is documented under /errors. A link
 * TypeDoc has not bound, whose whole text is an exported name no module of its own holds, and that
 * names exactly one documented declaration, is bound to that declaration; anything else is left
 * to TypeDoc (and its warnings).
 */
function linkAcrossEntryPoints(context) {
  const { project } = context;
  const declarations = new Map();
  for (const module of project.children ?? []) {
    for (const child of module.children ?? []) {
      if (child.isReference()) continue;
      const found = declarations.get(child.name) ?? new Set();
      found.add(child);
      declarations.set(child.name, found);
    }
  }
  const moduleOf = (reflection) => {
    let current = reflection;
    while (current && !current.kindOf(ReflectionKind.Module)) current = current.parent;
    return current;
  };
  const bind = (reflection, parts) => {
    for (const part of parts ?? []) {
      if (part.kind !== 'inline-tag' || !/^@link(code|plain)?$/.test(part.tag)) continue;
      if (part.target !== undefined) continue;
      const match = /^\s*([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?\s*$/.exec(part.text);
      if (!match) continue;
      const [, name, member] = match;
      if (moduleOf(reflection)?.getChildByName?.([name])) continue;
      const found = declarations.get(name);
      if (found?.size !== 1) continue;
      const [declaration] = found;
      const target = member === undefined ? declaration : declaration.getChildByName([member]);
      if (target) part.target = target;
    }
  };
  for (const reflection of Object.values(project.reflections)) {
    if (!reflection.comment) continue;
    bind(reflection, reflection.comment.summary);
    for (const tag of reflection.comment.blockTags) bind(reflection, tag.content);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const { out } = await buildApiReference({
      ...(outIndex === -1 ? {} : { out: resolve(args[outIndex + 1]) }),
      html: args.includes('--html'),
    });
    process.stdout.write(`API reference written to ${relative(process.cwd(), out) || '.'}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 1;
  }
}
