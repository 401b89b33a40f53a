// The Postgres artifact store on the shared embedded Postgres: its bounds (typed), its table and
// migration, hostile ids and rows, and an agent whose truncated tool result the model reads back
// with read_tool_output from a new store (another process, a restart).

import { createAgent, createGemini, defineTool, InvalidArgumentError } from '@gemloop/core';
import { readToolOutputTool, TRUNCATED_RESULT_KEY, toolOutput } from '@gemloop/core/compaction';
import { createFakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { ArtifactStoreLimitError, createPostgresArtifactStore } from '../index.ts';

let databaseUrl: string;
let pool: pg.Pool;
beforeAll(async () => {
  databaseUrl = await freshDatabase('artifacts');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('createPostgresArtifactStore', () => {
  it('keeps artifacts across stores (a restart), in its own versioned table', async () => {
    const first = createPostgresArtifactStore({ connectionString: databaseUrl });
    await first.put(id(1), '{"text":"é ✓ kept"}');
    await first.close();
    const second = createPostgresArtifactStore({ pool });
    expect(await second.get(id(1))).toBe('{"text":"é ✓ kept"}');
    expect(await second.get(id(2))).toBeUndefined();
    const { rows } = await pool.query(
      `SELECT version FROM gemloop_schema_versions WHERE name = 'artifacts:gemloop_artifacts'`,
    );
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses an artifact over maxArtifactBytes (UTF-8 bytes), typed, and keeps nothing of it', async () => {
    const store = createPostgresArtifactStore({
      pool,
      table: 'small_artifacts',
      maxArtifactBytes: 10,
    });
    // 5 characters, 10 bytes: fits; one more byte does not.
    await store.put(id(1), 'ééééé');
    const error = await store.put(id(2), 'éééééa').catch((thrown: unknown) => thrown);
    expect(ArtifactStoreLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ limit: 'artifact', id: id(2), bytes: 11, maxBytes: 10 });
    expect((error as Error).message).toMatch(/over maxArtifactBytes \(10\)/);
    expect(await store.get(id(1))).toBe('ééééé');
    expect(await store.get(id(2))).toBeUndefined();
  });

  it('past maxTotalBytes evicts the oldest artifacts (the default), or refuses with onFull: refuse', async () => {
    const evicting = createPostgresArtifactStore({
      pool,
      table: 'evicting_artifacts',
      maxArtifactBytes: 10,
      maxTotalBytes: 25,
    });
    for (let n = 1; n <= 4; n++) await evicting.put(id(n), String(n).repeat(10));
    // 40 bytes put, 25 kept at most: the two newest stay.
    expect(await evicting.get(id(1))).toBeUndefined();
    expect(await evicting.get(id(2))).toBeUndefined();
    expect(await evicting.get(id(3))).toBe('3333333333');
    expect(await evicting.get(id(4))).toBe('4444444444');
    const total = await pool.query('SELECT SUM(bytes)::int AS total FROM evicting_artifacts');
    expect(total.rows).toEqual([{ total: 20 }]);

    const refusing = createPostgresArtifactStore({
      pool,
      table: 'refusing_artifacts',
      maxArtifactBytes: 10,
      maxTotalBytes: 25,
      onFull: 'refuse',
    });
    await refusing.put(id(1), 'a'.repeat(10));
    await refusing.put(id(2), 'b'.repeat(10));
    const error = await refusing.put(id(3), 'c'.repeat(10)).catch((thrown: unknown) => thrown);
    expect(ArtifactStoreLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ limit: 'total', id: id(3), bytes: 10, maxBytes: 25 });
    expect(await refusing.get(id(1))).toBe('a'.repeat(10));
    expect(await refusing.get(id(3))).toBeUndefined();
    // Replacing an artifact counts its new size only.
    await refusing.put(id(2), 'B'.repeat(10));
    expect(await refusing.get(id(2))).toBe('B'.repeat(10));
  });

  it('reads a hostile id or an oversized row as missing, never a query with it or a huge read', async () => {
    const store = createPostgresArtifactStore({
      pool,
      table: 'hostile_artifacts',
      maxArtifactBytes: 100,
    });
    await store.put(id(1), 'fine');
    for (const bad of [
      "x' OR '1'='1",
      '../../etc/passwd',
      'a'.repeat(201),
      '',
      42 as unknown as string,
    ]) {
      expect(await store.get(bad)).toBeUndefined();
    }
    await expect(store.put('not an id', 'x')).rejects.toBeInstanceOf(InvalidArgumentError);
    // A row another writer made larger than the cap is not read.
    await pool.query(`UPDATE hostile_artifacts SET text = $1 WHERE id = $2`, [
      'y'.repeat(101),
      id(1),
    ]);
    expect(await store.get(id(1))).toBeUndefined();
  });

  it('refuses bad options before any statement', () => {
    expect(() =>
      createPostgresArtifactStore({ pool, maxArtifactBytes: 100, maxTotalBytes: 10 }),
    ).toThrow(/maxArtifactBytes \(100\) is over maxTotalBytes \(10\)/);
    expect(() => createPostgresArtifactStore({ pool, table: 'a; drop table x' })).toThrow(
      /plain identifier/,
    );
    expect(() => createPostgresArtifactStore({ pool, onFull: 'drop' as never })).toThrow(/onFull/);
    expect(() => createPostgresArtifactStore({} as never)).toThrow(InvalidArgumentError);
  });

  it('an agent keeps a cut tool result in it, and the model reads the rest back with read_tool_output from another store', async () => {
    const fake = createFakeGemini({
      script: (request) => {
        const sent = JSON.stringify(request.body);
        const marker = /read_tool_output with id \\"([^"\\]+)\\"/.exec(sent);
        if (sent.includes('THE-END')) return turn.text('The document ends with THE-END.');
        if (marker !== null)
          return turn.call('read_tool_output', { id: marker[1], offset: 900, length: 1000 });
        return turn.call('long_document', {});
      },
    });
    await fake.listen();
    try {
      const writer = createPostgresArtifactStore({ pool, table: 'agent_artifacts' });
      const document = defineTool({
        name: 'long_document',
        description: 'Reads the long document.',
        parameters: z.object({}),
        execute: () => ({ text: `${'intro words '.repeat(100)}THE-END` }),
      });
      // The reading side is another store on the same table (another process, a restart).
      const reader = createPostgresArtifactStore({
        connectionString: databaseUrl,
        table: 'agent_artifacts',
      });
      const agent = createAgent({
        gemini: createGemini({ apiKey: 'k', baseUrl: fake.url, retry: false }),
        model: 'gemini-2.5-flash',
        tools: [document, readToolOutputTool(reader)],
        // Only the document is capped: the slices read back are not cut again.
        toolOutput: toolOutput({
          perTool: { long_document: { maxTokens: 50 } },
          artifacts: writer,
        }),
      });
      const result = await agent.run('How does the document end?');
      expect(result.text).toBe('The document ends with THE-END.');
      const [cut, read] = result.steps.flatMap((step) => step.toolCalls);
      expect(cut?.response.response[TRUNCATED_RESULT_KEY]).toMatch(/kept 200 of \d+ characters/);
      expect(read?.toolName).toBe('read_tool_output');
      expect(JSON.stringify(read?.output)).toContain('THE-END');
      await reader.close();
    } finally {
      await fake.close();
    }
  });
});
