/**
 * Summarises a V8 `.cpuprofile` (from `pnpm bench --cpu-prof=<dir>`): self and total time per
 * function and self time per package, so a hot path can be named with its file and line.
 *
 *   tsx bench/src/summarize-cpu-profile.ts <file.cpuprofile> [--top=30] [--filter=<url part>]
 */
import { readFileSync } from 'node:fs';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };

/** Where a function lives, shortened to the package and the file inside it. */
function place(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) return path.slice(modules + '/node_modules/'.length);
  const core = path.indexOf('/packages/core/');
  if (core !== -1) return `@gemloop/core/${path.slice(core + '/packages/core/'.length)}`;
  return path.replace(/^.*\/bench\//, 'bench/');
}

/** The package a place belongs to. */
function packageOf(where: string): string {
  if (where.startsWith('(') || where.startsWith('node:'))
    return where.startsWith('node:') ? 'node (internal)' : where;
  if (where.startsWith('@gemloop/core/')) return '@gemloop/core';
  const parts = where.split('/');
  if (parts[0]!.startsWith('.pnpm')) {
    const index = parts.indexOf('node_modules');
    return parts[index + 1]!.startsWith('@')
      ? `${parts[index + 1]}/${parts[index + 2]}`
      : parts[index + 1]!;
  }
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function main(): void {
  const [file, ...rest] = process.argv.slice(2);
  if (file === undefined)
    throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile> [--top=30] [--filter=text]');
  const top = Number(rest.find((argument) => argument.startsWith('--top='))?.slice(6) ?? 30);
  const filter = rest.find((argument) => argument.startsWith('--filter='))?.slice(9);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, profile.samples.length);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));

  const key = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'}  ${place(url)}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const packages = new Map<string, number>();
  // Total time: a node's own samples plus its subtree's, counted once per function on a path.
  const visit = (node: ProfileNode, onPath: Set<string>): number => {
    const own = (node.hitCount ?? 0) * msPerSample;
    const name = key(node);
    self.set(name, (self.get(name) ?? 0) + own);
    const where = place(node.callFrame.url);
    // Native frames (JSON.parse, GC, idle) are grouped by their own name.
    const bucket =
      where === '(native)' ? `native ${node.callFrame.functionName}` : packageOf(where);
    packages.set(bucket, (packages.get(bucket) ?? 0) + own);
    const added = !onPath.has(name);
    if (added) onPath.add(name);
    let sum = own;
    for (const child of node.children ?? []) sum += visit(byId.get(child)!, onPath);
    if (added) {
      onPath.delete(name);
      total.set(name, (total.get(name) ?? 0) + sum);
    }
    return sum;
  };
  visit(profile.nodes[0]!, new Set());

  // Idle time is the process waiting (for its next sample, the network): not cost.
  const busyMs = totalMs - (packages.get('native (idle)') ?? 0);
  packages.delete('native (idle)');
  self.delete('(idle)  (native):0');
  const percent = (ms: number): string => `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%`;
  const print = (title: string, entries: Map<string, number>): void => {
    console.log(`\n${title}`);
    const sorted = [...entries].filter(([name]) => filter === undefined || name.includes(filter));
    sorted.sort((left, right) => right[1] - left[1]);
    for (const [name, ms] of sorted.slice(0, top)) {
      console.log(`${ms.toFixed(1).padStart(9)} ms ${percent(ms)}  ${name}`);
    }
  };
  console.log(
    `${file}: ${totalMs.toFixed(0)} ms profiled, ${busyMs.toFixed(0)} ms busy (percentages are of busy time)`,
  );
  print('self time by package', packages);
  print('self time by function', self);
  print('total time by function (self + callees)', total);
}

main();
