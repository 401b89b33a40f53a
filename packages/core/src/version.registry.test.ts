import { describe, expect, it } from 'vitest';
import * as runLink from './agent/run-state/run-link.ts';
import * as clientInternals from './http/client-internals.ts';
import { version, versionRegistry } from './version.ts';
import * as approvalBroker from './web/approval-broker.ts';
import * as replayBuffer from './web/replay-buffer.ts';

/**
 * A second module instance of `file` (its own module-level state), as a second copy of the
 * package in the process has: the query makes the module loader evaluate it again.
 */
async function secondInstance<Module>(file: string): Promise<Module> {
  return (await import(
    /* @vite-ignore */ `${new URL(file, import.meta.url).href}?second-copy`
  )) as Module;
}

describe('versionRegistry', () => {
  it('gives every copy of this version the same registry of a name, and another name its own', async () => {
    const second = await secondInstance<{ versionRegistry: typeof versionRegistry }>(
      './version.ts',
    );
    expect(second.versionRegistry).not.toBe(versionRegistry);
    const made = versionRegistry<object, string>('test-registry');
    expect(second.versionRegistry('test-registry')).toBe(made);
    expect(versionRegistry('test-other-registry')).not.toBe(made);
    // Kept under the version: another version's copy has a key of its own.
    const key = Symbol.for(`gemloop.test-registry@${version}`);
    expect((globalThis as { [key: symbol]: unknown })[key]).toBe(made);
  });

  it('replaces a value at its key that is not a WeakMap rather than using it', () => {
    const key = Symbol.for(`gemloop.test-replaced@${version}`);
    const holder = globalThis as { [key: symbol]: unknown };
    holder[key] = { get: () => 'planted' };
    const made = versionRegistry<object, string>('test-replaced');
    expect(made).toBeInstanceOf(WeakMap);
    expect(holder[key]).toBe(made);
    delete holder[key];
  });

  // A plugin made by another copy runs the agent's tool calls with that copy's engine, whose
  // run-link must know the subagent tools this copy marked (else the child ran outside the tree).
  it('lets a second copy of run-link know the subagent tools this copy marked', async () => {
    const second = await secondInstance<typeof runLink>('./agent/run-state/run-link.ts');
    expect(second.markChildRunTool).not.toBe(runLink.markChildRunTool);
    const tool = {};
    const agent = {};
    runLink.markChildRunTool(tool, agent);
    expect(second.startsChildRuns(tool)).toBe(true);
    expect(second.childAgentOf(tool)).toBe(agent);
    expect(second.startsChildRuns({})).toBe(false);
  });

  // attack46a: a library's `createGemini` client (its own copy of core) handed to the app's
  // createFiles / createBatches / createEmbeddings / a Live session was refused as "needs a client
  // made by createGemini": the settings were registered in the other copy's WeakMap.
  it("lets a second copy read the settings of a client this copy's createGemini made", async () => {
    const second = await secondInstance<typeof clientInternals>('./http/client-internals.ts');
    expect(second.clientInternalsOf).not.toBe(clientInternals.clientInternalsOf);
    const gemini = {} as Parameters<typeof clientInternals.registerClientInternals>[0];
    const settings = {} as Parameters<typeof clientInternals.registerClientInternals>[1];
    clientInternals.registerClientInternals(gemini, settings);
    expect(second.clientInternalsOf(gemini)).toBe(settings);
    expect(second.clientInternalsOf({} as typeof gemini)).toBeUndefined();
  });

  // attack46a: @gemloop/serve on a core of its own (pnpm's copy per peer set) was handed the
  // app's `createApprovalBroker()`: its copy found no internals and ignored the broker, so the
  // page was never told of a pending approval (no refusal either). The replay buffer alike.
  it("lets a second copy find the internals of this copy's approval broker and replay buffer", async () => {
    const second = await secondInstance<typeof approvalBroker>('./web/approval-broker.ts');
    const broker = approvalBroker.createApprovalBroker();
    expect(second.approvalBrokerInternals).not.toBe(approvalBroker.approvalBrokerInternals);
    expect(second.approvalBrokerInternals(broker)).toBe(
      approvalBroker.approvalBrokerInternals(broker),
    );
    expect(second.approvalBrokerInternals(broker)).toBeDefined();
    const otherBuffers = await secondInstance<typeof replayBuffer>('./web/replay-buffer.ts');
    const buffer = replayBuffer.createReplayBuffer();
    expect(otherBuffers.replayBufferInternals(buffer)).toBeDefined();
  });
});
