import { existsSync } from 'node:fs';
import type { FakeScript, FakeScriptFunction } from '@gemloop/testing';

/**
 * The fake script `script` with its answer to model call `call` (1-based) held until `file`
 * exists. For a test that acts while the agent is inside a step (the chat steered mid-answer):
 * it releases the answer when it has done so, instead of racing an answer that, on a loaded
 * machine, was finished before the test's line arrived. `GEMLOOP_FAKE_HOLD_CALL` and
 * `GEMLOOP_FAKE_HOLD_FILE` turn it on in {@link connect}.
 */
export function holdModelCall(script: FakeScript, call: number, file: string): FakeScript {
  const hold = async (): Promise<void> => {
    while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  if (typeof script === 'function') {
    let calls = 0;
    const held: FakeScriptFunction = async (request, context) => {
      calls += 1;
      if (calls === call) await hold();
      return script(request, context);
    };
    return held;
  }
  return script.map((entry, index) =>
    index !== call - 1
      ? entry
      : async (
          request: Parameters<FakeScriptFunction>[0],
          context: Parameters<FakeScriptFunction>[1],
        ) => {
          await hold();
          return typeof entry === 'function' ? entry(request, context) : entry;
        },
  );
}
