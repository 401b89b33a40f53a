import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { UnsupportedEndpointError } from '../errors/files-and-batches/unsupported-endpoint-error.ts';
import { AgentBackgroundError } from '../errors/interactions/agent-background-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEnvironments } from './create-environments.ts';
import { createInteractions, INTERACTIONS_API_REVISION } from './create-interactions.ts';
import { createManagedAgents } from './create-managed-agents.ts';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const ANTIGRAVITY = 'antigravity-preview-05-2026';
const DEEP_RESEARCH = 'deep-research-pro-preview-12-2025';

async function start() {
  fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`done: ${lastUserText}`),
  });
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
  return {
    agents: createManagedAgents(gemini),
    environments: createEnvironments(gemini),
    interactions: createInteractions(gemini),
  };
}

describe('managed agents', () => {
  it('creates, gets, lists, runs, forks and deletes an agent', async () => {
    const { agents, interactions } = await start();
    const created = await agents.create({
      id: 'code-reviewer',
      base_agent: ANTIGRAVITY,
      system_instruction: 'Review every file.',
      tools: [{ type: 'code_execution' }],
    });
    expect(created).toMatchObject({ id: 'code-reviewer', base_agent: ANTIGRAVITY });
    expect(fake?.lastRequest).toMatchObject({
      method: 'agents.create',
      httpMethod: 'POST',
      headers: { 'api-revision': INTERACTIONS_API_REVISION },
    });
    expect(await agents.get('code-reviewer')).toEqual(created);

    const done = await interactions.create({ agent: 'code-reviewer', input: 'review /src' });
    expect(done.status).toBe('completed');

    const fork = await agents.fork('code-reviewer', {
      id: 'strict-reviewer',
      system_instruction: 'Review every file; refuse any TODO.',
    });
    expect(fork).toMatchObject({
      id: 'strict-reviewer',
      base_agent: ANTIGRAVITY,
      tools: [{ type: 'code_execution' }],
      system_instruction: 'Review every file; refuse any TODO.',
    });
    expect((await agents.get('code-reviewer')).system_instruction).toBe('Review every file.');
    expect((await agents.list()).agents.map((agent) => agent.id)).toEqual([
      'code-reviewer',
      'strict-reviewer',
    ]);
    await agents.list({ pageSize: 10 });
    expect(fake?.lastRequest?.url).toMatch(/\/v1beta\/agents\?page_size=10$/);

    await agents.delete('code-reviewer');
    const gone = await agents.get('code-reviewer').catch((error: unknown) => error);
    expect(ApiCallError.isInstance(gone) && gone.status).toBe(404);
  });

  it("enforces each agent's rule on background: client-side for built-in names, by the server for a managed agent's base", async () => {
    const { agents, interactions } = await start();
    const needs = await interactions
      .create({ agent: DEEP_RESEARCH, input: 'tides' })
      .catch((error: unknown) => error);
    expect(AgentBackgroundError.isInstance(needs)).toBe(true);
    expect(needs).toMatchObject({ agent: DEEP_RESEARCH, rule: 'needs-background' });
    const refuses = await interactions
      .create({ agent: ANTIGRAVITY, input: 'go', background: true })
      .catch((error: unknown) => error);
    expect(refuses).toMatchObject({ code: 'agent-background', rule: 'refuses-background' });
    // A stream errors through its first `next()`, as the other methods reject.
    const streamed = interactions.stream({ agent: ANTIGRAVITY, input: 'go', background: true });
    await expect(streamed.next()).rejects.toThrow(AgentBackgroundError);
    // Neither was sent.
    expect(fake?.requests.filter((request) => request.method.startsWith('interactions'))).toEqual(
      [],
    );

    // A managed agent's rule is its base agent's, which only the server knows from the id.
    await agents.create({ id: 'sandboxed', base_agent: ANTIGRAVITY });
    await agents.create({ id: 'researcher', base_agent: DEEP_RESEARCH });
    const server = await interactions
      .create({ agent: 'sandboxed', input: 'go', background: true })
      .catch((error: unknown) => error);
    expect(ApiCallError.isInstance(server) && server.status).toBe(400);
    expect((server as Error).message).toMatch(/does not run in the background/);
    const foreground = await interactions
      .create({ agent: 'researcher', input: 'tides' })
      .catch((error: unknown) => error);
    expect((foreground as Error).message).toMatch(/runs only in the background/);
    const background = await interactions.create({
      agent: 'researcher',
      input: 'tides',
      background: true,
    });
    expect((await interactions.wait(background, { pollIntervalMs: 1 })).status).toBe('completed');
  });

  it('refuses bad ids and definitions before sending, and a fork onto its own id', async () => {
    const { agents } = await start();
    for (const id of ['', '../models/x', 'a/b', 7]) {
      await expect(agents.get(id as string)).rejects.toThrow(InvalidArgumentError);
    }
    await expect(agents.create(null as never)).rejects.toThrow(/definition must be an object/);
    await expect(agents.create({ id: 'x y' })).rejects.toThrow(/definition.id/);
    await expect(
      agents.create({ id: 'deep-research-mine', base_agent: DEEP_RESEARCH }),
    ).rejects.toThrow(/built-in agent/);
    await expect(agents.fork('a', { id: 'a' })).rejects.toThrow(/must differ/);
    await expect(agents.list({ pageSize: 0 })).rejects.toThrow(/pageSize/);
    expect(fake?.requests).toEqual([]);
  });

  it('refuses a Vertex AI client before sending', async () => {
    const vertex = createGemini({
      vertex: { project: 'p', location: 'us-central1', getAccessToken: async () => 'token' },
    });
    await expect(createManagedAgents(vertex).list()).rejects.toThrow(UnsupportedEndpointError);
  });
});

describe('environments', () => {
  it('creates, gets, lists, forks (sources and network, not files) and deletes', async () => {
    const { environments, interactions } = await start();
    const sources = [
      {
        type: 'repository',
        source: 'https://github.com/my-org/backend',
        target: '/workspace/repo',
      },
    ];
    const first = await environments.create({ network: 'disabled', sources });
    expect(first).toMatchObject({ id: expect.stringMatching(/^env_/), status: 'active', sources });
    expect(await environments.get(first.id)).toEqual(first);

    const done = await interactions.create({
      agent: ANTIGRAVITY,
      input: 'ls',
      environment: first.id,
    });
    expect(done.status).toBe('completed');

    const fork = await environments.fork(first.id, { network: { allowlist: [{ domain: '*' }] } });
    expect(fork.id).not.toBe(first.id);
    expect(fork).toMatchObject({ sources, network: { allowlist: [{ domain: '*' }] } });
    expect((await environments.list()).environments.map((env) => env.id)).toEqual([
      first.id,
      fork.id,
    ]);
    await environments.delete(first.id);
    expect((await environments.list()).environments.map((env) => env.id)).toEqual([fork.id]);
    await expect(environments.create('remote' as never)).rejects.toThrow(InvalidArgumentError);
  });
});
