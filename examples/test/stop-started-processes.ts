// The examples project's setup file (vitest.config.ts): after each test file, every process it
// started that still runs is killed with its whole process group (run-example-process.ts), so a
// test that timed out or failed before its example ended leaves nothing behind.

import { afterAll } from 'vitest';
import { stopStartedProcesses } from './run-example-process.ts';

afterAll(stopStartedProcesses);
