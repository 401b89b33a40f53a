import { join } from 'node:path';
import type { RunRecorder } from '@gemloop/core/recorder';
import { createRunRecorder } from '@gemloop/core/recorder';

/**
 * The run recorder the demo and the chat use: runs go to `.gemloop/runs` in the folder the
 * command was started from (`npm run demo` at the repository root sets INIT_CWD to it), which is
 * where `npx gemloop view` looks.
 */
export function createExampleRecorder(): RunRecorder {
  return createRunRecorder({
    dir: join(process.env['INIT_CWD'] ?? process.cwd(), '.gemloop', 'runs'),
  });
}
