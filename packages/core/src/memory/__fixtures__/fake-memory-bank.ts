// A fake Vertex AI Agent Engine Memory Bank, written from Google's REST reference (v1beta1,
// projects.locations.reasoningEngines.memories: create, get, patch, delete, retrieve, generate;
// RetrieveMemoriesRequest/Response; google.longrunning.Operation), not from gemloop's client:
// - create/patch/delete/generate answer an Operation, here not done at first, done at its first GET;
// - retrieve needs `scope` and matches it exactly (same keys and values); `similaritySearchParams`
//   ranks by a distance (smaller is closer; here 1 - word overlap) and caps `topK` at 100 (3 by
//   default); `simpleRetrievalParams` pages with `pageSize` (3 by default, 100 at most) and
//   `nextPageToken`;
// - a missing memory is a 404 with Google's error body; create's `memoryId` names the memory (a
//   taken one is a 409 ALREADY_EXISTS).

type Memory = { name: string; fact: string; scope: Record<string, string>; createTime: string; updateTime: string };

export type FakeMemoryBank = {
  fetch: typeof globalThis.fetch;
  memories: Map<string, Memory>;
  requests: { method: string; path: string; body: unknown; authorization: string | null }[];
};

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
const distance = (a: string, b: string): number => {
  const left = words(a);
  const right = words(b);
  const shared = [...left].filter((word) => right.has(word)).length;
  return 1 - shared / Math.max(1, Math.min(left.size, right.size));
};
const sameScope = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value);

export function createFakeMemoryBank(parent: string): FakeMemoryBank {
  const memories = new Map<string, Memory>();
  const operations = new Map<string, { done: boolean; response?: unknown }>();
  const requests: FakeMemoryBank['requests'] = [];
  let next = 0;
  let clock = Date.UTC(2026, 10, 25);
  const stamp = (): string => new Date((clock += 1000)).toISOString();
  const json = (body: unknown, status = 200): Response =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const notFound = (): Response => json({ error: { code: 404, message: 'Memory not found.', status: 'NOT_FOUND' } }, 404);
  const operation = (response?: unknown): Response => {
    const name = `${parent}/operations/op${++next}`;
    operations.set(name, { done: false, ...(response === undefined ? {} : { response }) });
    return json({ name, done: false });
  };
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const path = decodeURIComponent(url.pathname.replace(/^\/v1beta1\//, ''));
    const body = init?.body === undefined ? undefined : JSON.parse(String(init.body));
    requests.push({ method, path, body, authorization: new Headers(init?.headers).get('authorization') });
    if (method === 'GET' && operations.has(path)) {
      const state = operations.get(path) as { done: boolean; response?: unknown };
      state.done = true;
      return json({ name: path, done: true, ...(state.response === undefined ? {} : { response: state.response }) });
    }
    if (method === 'POST' && path === `${parent}/memories`) {
      // `memoryId`: "up to 63 characters, and valid characters are [a-z0-9-]. The first character
      // must be a letter, and the last character must be a letter or number"; one taken is
      // ALREADY_EXISTS (AIP-133, google.aip.dev/133: a user-specified id that exists).
      const memoryId = url.searchParams.get('memoryId');
      if (memoryId !== null && !/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(memoryId)) {
        return json({ error: { code: 400, status: 'INVALID_ARGUMENT' } }, 400);
      }
      if (memoryId !== null && memories.has(`${parent}/memories/${memoryId}`)) {
        return json({ error: { code: 409, message: 'Memory already exists.', status: 'ALREADY_EXISTS' } }, 409);
      }
      const name = `${parent}/memories/${memoryId ?? 1000 + ++next}`;
      const at = stamp();
      const memory = { name, fact: body.fact, scope: body.scope, createTime: at, updateTime: at };
      memories.set(name, memory);
      return operation(memory);
    }
    if (method === 'POST' && path === `${parent}/memories:retrieve`) {
      if (typeof body?.scope !== 'object') return json({ error: { code: 400, status: 'INVALID_ARGUMENT' } }, 400);
      const inScope = [...memories.values()].filter((memory) => sameScope(body.scope, memory.scope));
      if (body.similaritySearchParams !== undefined) {
        const { searchQuery, topK = 3 } = body.similaritySearchParams;
        const ranked = inScope
          .map((memory) => ({ memory, distance: distance(searchQuery, memory.fact) }))
          .sort((a, b) => a.distance - b.distance)
          .slice(0, Math.min(100, topK));
        return json({ retrievedMemories: ranked });
      }
      const { pageSize = 3, pageToken } = body.simpleRetrievalParams ?? {};
      const start = pageToken === undefined ? 0 : Number(pageToken);
      const end = start + Math.min(100, pageSize);
      return json({
        retrievedMemories: inScope.slice(start, end).map((memory) => ({ memory })),
        ...(end < inScope.length ? { nextPageToken: String(end) } : {}),
      });
    }
    if (method === 'POST' && path === `${parent}/memories:generate`) {
      // Memory Bank's extraction is a model's; the fake keeps each user turn as one fact.
      for (const event of body.directContentsSource.events) {
        if (event.content.role !== 'user') continue;
        const name = `${parent}/memories/${1000 + ++next}`;
        const at = stamp();
        memories.set(name, { name, fact: event.content.parts.map((part: { text: string }) => part.text).join(' '), scope: body.scope, createTime: at, updateTime: at });
      }
      return operation({});
    }
    const memory = memories.get(path);
    if (memory === undefined) return notFound();
    if (method === 'GET') return json(memory);
    if (method === 'PATCH') {
      if (url.searchParams.get('updateMask') === 'fact') memory.fact = body.fact;
      memory.updateTime = stamp();
      return operation({ ...memory });
    }
    if (method === 'DELETE') {
      memories.delete(path);
      return operation();
    }
    return json({ error: { code: 400, status: 'INVALID_ARGUMENT' } }, 400);
  };
  return { fetch, memories, requests };
}
