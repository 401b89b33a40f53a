// The app of a bundle that marked gemloop's lazily loaded packages external (pino,
// zod-to-json-schema, @cfworker/json-schema) and runs where they are not installed: each fails
// where it is first needed, with a MissingDependencyError naming it (bundled-node-app.test.ts).
import { defineTool, jsonSchema } from '@gemloop/core';
import { createLogger } from '@gemloop/core/logging';
import { z as z3 } from 'zod/v3';
import { check } from './check.ts';

await check('zod 3 tool', () =>
  defineTool({
    name: 'zod3',
    description: 'd',
    parameters: z3.object({ a: z3.number() }),
    execute: ({ a }) => a,
  }),
);
await check('JSON Schema validation', () =>
  defineTool({
    name: 'json',
    description: 'd',
    parameters: jsonSchema<{ a: number }>({
      type: 'object',
      properties: { a: { type: 'number', minimum: 0 } },
    }),
    execute: ({ a }) => a,
  }).parseArgs({ a: -1 }),
);
await check('logger', () => typeof createLogger().info);
