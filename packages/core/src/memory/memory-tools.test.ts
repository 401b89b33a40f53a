import { describe, expect, it } from 'vitest';
import { MemoryError } from './memory-error.ts';
import { MEMORY_TOOL_NAMES, memoryTools } from './memory-tools.ts';

// The memory tools carry no user: their declarations are fixed, their arguments are checked
// like any tool's, and a call no `memoryPlugin` answered fails, so memory never acts without
// the run's scope.

describe('memoryTools', () => {
  it('declares remember, recall and forget, each with its required argument', () => {
    const tools = memoryTools();
    expect(tools.map((tool) => tool.name)).toEqual(Object.values(MEMORY_TOOL_NAMES));
    const required = tools.map(
      (tool) => (tool.declaration.parametersJsonSchema as { required?: string[] }).required,
    );
    expect(required).toEqual([['text'], ['query'], ['id']]);
    for (const tool of tools) {
      expect(tool.kind).toBe('function');
      expect(tool.description?.length).toBeGreaterThan(20);
    }
  });

  it('makes new tool objects on each call, so two agents never share one', () => {
    const [first] = memoryTools();
    const [second] = memoryTools();
    expect(first).not.toBe(second);
  });

  it("checks the model's arguments: a missing text, a kind off the list, a query that is no string", () => {
    const [remember, recall, forget] = memoryTools();
    expect(remember.parseArgs({ text: 'Likes tea.', kind: 'fact' })).toMatchObject({
      success: true,
    });
    expect(remember.parseArgs({ text: 'Went to Oslo.' })).toMatchObject({ success: true });
    expect(remember.parseArgs({})).toMatchObject({ success: false });
    expect(remember.parseArgs({ text: 'x', kind: 'secret' })).toMatchObject({ success: false });
    expect(recall.parseArgs({ query: 3 })).toMatchObject({ success: false });
    expect(forget.parseArgs({ id: 'm1' })).toMatchObject({ success: true });
    expect(forget.parseArgs(null)).toMatchObject({ success: false });
  });

  it("fails a call no memoryPlugin answered with a MemoryError naming the tool's operation", async () => {
    const [remember, recall, forget] = memoryTools();
    const context = {} as never;
    const calls = [
      [() => remember.execute({ text: 'x' }, context), 'add'],
      [() => recall.execute({ query: 'x' }, context), 'search'],
      [() => forget.execute({ id: 'm1' }, context), 'delete'],
    ] as const;
    for (const [call, operation] of calls) {
      let error: unknown;
      try {
        await call();
      } catch (caught) {
        error = caught;
      }
      expect(MemoryError.isInstance(error)).toBe(true);
      expect((error as MemoryError).operation).toBe(operation);
      expect((error as Error).message).toContain('memoryPlugin({ memory, scope: userId })');
    }
  });
});
