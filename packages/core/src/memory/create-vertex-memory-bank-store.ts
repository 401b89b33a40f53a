import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkAllowInsecureHttp,
  refuseClearTextHttp,
} from '../http/options/refuse-clear-text-http.ts';
import { capResponseBody } from '../http/transport/cap-response-body.ts';
import { positiveOption, timerOption } from '../options/positive-option.ts';
import {
  checkMemoryKind,
  checkMemoryText,
  checkScope,
  checkSearchBounds,
} from './check-memory-input.ts';
import { MemoryError, type MemoryOperation } from './memory-error.ts';
import { memoryIdOf } from './memory-id.ts';
import type { MemoryRecord, ScoredMemory } from './memory-record.ts';
import type { MemoryStore } from './memory-store.ts';

/** Options of {@link createVertexMemoryBankStore}. */
export type VertexMemoryBankStoreOptions = {
  project: string;
  /** The Agent Engine's region, e.g. `us-central1`. */
  location: string;
  /** The Agent Engine (reasoning engine) id whose Memory Bank holds the memories. */
  reasoningEngine: string;
  /** An OAuth access token for Vertex AI (from google-auth-library, or `gcloud auth print-access-token`). */
  getAccessToken: () => string | Promise<string>;
  /** The key of Memory Bank's scope map the store's scope goes under. @defaultValue `'user_id'` */
  scopeKey?: string | undefined;
  /**
   * Another endpoint (a proxy, a test server): an absolute https URL, or plain http to loopback
   * (`localhost`, `127.x`, `[::1]`) or with `allowInsecureHttp`.
   * @defaultValue `https://{location}-aiplatform.googleapis.com`
   */
  baseUrl?: string | undefined;
  /**
   * Take a plain `http://` `baseUrl` on a host that is not loopback: the access token then
   * crosses the network in clear text. Only for a trusted private network. @defaultValue false
   */
  allowInsecureHttp?: boolean | undefined;
  /** @defaultValue `globalThis.fetch`, read at call time */
  fetch?: typeof globalThis.fetch | undefined;
  /** How long to wait between polls of a long-running operation. @defaultValue 500 ms */
  pollIntervalMs?: number | undefined;
  /** How many polls before giving up on an operation. @defaultValue 120 */
  maxPolls?: number | undefined;
};

/** A {@link MemoryStore} on Vertex AI Agent Engine Memory Bank, plus its own generation. */
export type VertexMemoryBankStore = MemoryStore & {
  /**
   * Memory Bank's own extraction and consolidation (`memories:generate` with
   * `directContentsSource`): it reads the turns and adds, updates or deletes memories of the
   * scope. Resolves when the operation is done.
   */
  generate(
    scope: string,
    contents: readonly { role: string; parts: readonly { text?: string | undefined }[] }[],
  ): Promise<void>;
};

/** Memory Bank's `Memory` (only the fields gemloop reads). */
type BankMemory = {
  name?: string;
  fact?: string;
  scope?: Record<string, string>;
  createTime?: string;
  updateTime?: string;
};
type Operation = {
  name?: string;
  done?: boolean;
  response?: unknown;
  error?: { code?: number; message?: string };
};

/** Memory ids Memory Bank makes and takes (`memoryId`: up to 63 of `[a-z0-9-]`, per its REST reference). */
const MEMORY_ID = /^[a-z0-9][a-z0-9-]{0,127}$/;
/** The most memories `list` and `deleteAll` walk (100 a page, Memory Bank's largest). */
const MAX_LISTED = 10_000;
/**
 * The most bytes of one answer read (a list page, an operation, an error body): 16 MiB, as the
 * MCP and A2A clients' caps. A page of Memory Bank's facts is far smaller; an endpoint answering
 * more (a proxy, a wrong `baseUrl`) was read whole, an endless body without end (attack12).
 */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * A {@link MemoryStore} on Vertex AI Agent Engine Memory Bank, over its REST API
 * (cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1beta1/projects.locations.reasoningEngines.memories):
 * `create` (add), `memories:retrieve` with `similaritySearchParams` (search; Memory Bank embeds
 * on its side, so `createMemory` needs no `embed`) or `simpleRetrievalParams` (list), `get`,
 * `patch` (update), `delete`, and `memories:generate` (its own extraction). The store's scope is
 * Memory Bank's scope `{ [scopeKey]: scope }`; a `get`, `update` or `delete` of a memory whose
 * scope differs acts as if there were none. Memory Bank has no kinds or metadata: every memory
 * reads back as a `fact` without metadata. A memory added with an `id` is named `gemloop-<hash>`
 * of the scope and the id (`memoryId`; Memory Bank's ids are the engine's, of `[a-z0-9-]`), and
 * added again it is the one read back. Scores are `1 - distance` (Memory Bank reports a
 * distance, smaller for closer). Tested against a fake written from Google's reference, not
 * against Google.
 *
 * @throws {@link InvalidArgumentError} for missing options, and for a `pollIntervalMs` or `maxPolls` that is
 *   not a number of milliseconds up to setTimeout's limit or a whole number of polls.
 */
export function createVertexMemoryBankStore({
  project,
  location,
  reasoningEngine,
  getAccessToken,
  scopeKey = 'user_id',
  baseUrl,
  allowInsecureHttp,
  fetch,
  pollIntervalMs: givenPollIntervalMs,
  maxPolls: givenMaxPolls,
}: VertexMemoryBankStoreOptions): VertexMemoryBankStore {
  if (baseUrl !== undefined) checkBaseUrl(baseUrl, allowInsecureHttp);
  // Checked here, not at the first poll: a negative, NaN or overflowing interval polled at once
  // (setTimeout fires those after 1 ms), a fractional or NaN count ran on or never stopped.
  const pollIntervalMs = timerOption(givenPollIntervalMs, 500, 'pollIntervalMs', true);
  const maxPolls = positiveOption(givenMaxPolls, 120, 'maxPolls');
  if (!Number.isSafeInteger(maxPolls)) {
    throw new InvalidArgumentError({
      argument: 'maxPolls',
      message: `maxPolls must be a whole number of polls (default 120), not ${String(maxPolls)}.`,
    });
  }
  for (const [name, value] of Object.entries({ project, location, reasoningEngine, scopeKey })) {
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(value)) {
      throw new InvalidArgumentError({
        argument: name,
        message: `createVertexMemoryBankStore needs \`${name}\`: a plain id (letters, digits, _ . -).`,
      });
    }
  }
  if (typeof getAccessToken !== 'function') {
    throw new InvalidArgumentError({
      argument: 'getAccessToken',
      message:
        'createVertexMemoryBankStore needs `getAccessToken`: a function that returns a Vertex AI access token.',
    });
  }
  const root = (baseUrl ?? `https://${location}-aiplatform.googleapis.com`).replace(/\/+$/, '');
  const parent = `projects/${project}/locations/${location}/reasoningEngines/${reasoningEngine}`;
  const call = async <T>(
    operation: MemoryOperation,
    method: string,
    path: string,
    body?: unknown,
    absent: readonly number[] = [404],
  ): Promise<T | undefined> => {
    const token = await getAccessToken();
    // A token no header can carry (a line break inside, from a file or a shell) made fetch throw
    // a TypeError quoting the header, token and all, into the error and whatever logs it (attack17).
    if (typeof token !== 'string' || /[^\t\x20-\x7e\x80-\xff]/.test(token.trim())) {
      throw new MemoryError({
        operation,
        message:
          'createVertexMemoryBankStore: getAccessToken returned something no Authorization header can carry (not a string, or a line break or a character past Latin-1 inside; the value is not shown).',
      });
    }
    const sent = await (fetch ?? globalThis.fetch)(`${root}/v1beta1/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (absent.includes(sent.status)) {
      await sent.body?.cancel().catch(() => {});
      return undefined;
    }
    const response = capResponseBody(sent, {
      maxBytes: MAX_ANSWER_BYTES,
      tooLarge: () =>
        new MemoryError({
          operation,
          message: `Memory Bank answered ${method} ${path.split('?')[0]} with more than ${MAX_ANSWER_BYTES} bytes: the rest was not read. Check baseUrl.`,
        }),
    });
    const text = await response.text();
    if (!response.ok) {
      // Google's status word only: an error body may quote the request, and facts are personal.
      let status = '';
      try {
        status = String((JSON.parse(text) as { error?: { status?: unknown } }).error?.status ?? '');
      } catch {}
      throw new MemoryError({
        operation,
        message: `Memory Bank answered ${method} ${path.split('?')[0]} with HTTP ${response.status}${status === '' ? '' : ` ${status}`}.`,
      });
    }
    try {
      return (text === '' ? {} : JSON.parse(text)) as T;
    } catch {
      throw new MemoryError({
        operation,
        message: `Memory Bank answered ${method} ${path.split('?')[0]} with HTTP ${response.status} and a body that is not JSON. Check baseUrl.`,
      });
    }
  };
  const settle = async (
    operation: MemoryOperation,
    started: Operation | undefined,
  ): Promise<unknown> => {
    let current = started;
    for (let poll = 0; current !== undefined && current.done !== true; poll++) {
      if (poll >= maxPolls || current.name === undefined) {
        throw new MemoryError({
          operation,
          message: `Memory Bank's operation did not finish after ${maxPolls} polls.`,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      current = await call<Operation>(operation, 'GET', current.name);
    }
    if (current?.error !== undefined) {
      throw new MemoryError({
        operation,
        message: `Memory Bank's operation failed: code ${current.error.code ?? 'unknown'}.`,
      });
    }
    return current?.response;
  };
  const toRecord = (scope: string, memory: BankMemory): MemoryRecord => ({
    id: (memory.name ?? '').split('/').pop() ?? '',
    scope,
    kind: 'fact',
    text: memory.fact ?? '',
    createdAt: memory.createTime ?? '',
    updatedAt: memory.updateTime ?? memory.createTime ?? '',
  });
  const bankScope = (scope: string): Record<string, string> => ({ [scopeKey]: scope });
  // A retrieved memory that names a scope other than exactly the store's (a proxy caching
  // `memories:retrieve` by URL, the scope being in the body) is another user's: left out of
  // search and list as get leaves it out (attack63b). One that names none is kept: retrieve
  // itself matched it to the scope asked.
  const ofScope = (memory: BankMemory, scope: string): boolean => {
    const theirs: unknown = memory.scope;
    if (theirs === undefined || theirs === null) return true;
    if (typeof theirs !== 'object') return false;
    const keys = Object.keys(theirs);
    return (
      keys.length === 1 &&
      keys[0] === scopeKey &&
      (theirs as Record<string, unknown>)[scopeKey] === scope
    );
  };
  /** The memory of `id` when it belongs to `scope` (exactly: Memory Bank's scopes match whole). */
  const own = async (
    operation: MemoryOperation,
    scope: string,
    id: string,
  ): Promise<BankMemory | undefined> => {
    checkScope(scope);
    if (typeof id !== 'string' || !MEMORY_ID.test(id)) return undefined;
    const memory = await call<BankMemory>(operation, 'GET', `${parent}/memories/${id}`);
    const theirs = memory?.scope ?? {};
    return Object.keys(theirs).length === 1 && theirs[scopeKey] === scope ? memory : undefined;
  };
  const list = async (scope: string): Promise<MemoryRecord[]> => {
    checkScope(scope);
    const records: MemoryRecord[] = [];
    let pageToken: string | undefined;
    do {
      const page = await call<{
        retrievedMemories?: { memory?: BankMemory }[];
        nextPageToken?: string;
      }>('list', 'POST', `${parent}/memories:retrieve`, {
        scope: bankScope(scope),
        simpleRetrievalParams: { pageSize: 100, ...(pageToken === undefined ? {} : { pageToken }) },
      });
      for (const { memory } of page?.retrievedMemories ?? [])
        if (memory !== undefined && ofScope(memory, scope)) records.push(toRecord(scope, memory));
      pageToken = page?.nextPageToken || undefined;
    } while (pageToken !== undefined && records.length < MAX_LISTED);
    return records;
  };
  return {
    async add(scope, memory) {
      checkScope(scope);
      checkMemoryText(memory.text);
      checkMemoryKind(memory.kind);
      const body = { fact: memory.text, scope: bankScope(scope) };
      if (memory.id === undefined) {
        const started = await call<Operation>('add', 'POST', `${parent}/memories`, body);
        return toRecord(scope, ((await settle('add', started)) ?? {}) as BankMemory);
      }
      // Added again under its id (an extraction or a `remember` run again): Memory Bank's ids
      // are the engine's, not a scope's, and of its own form, so the memory is named from the
      // scope and the id (`memoryId`), and a name already taken (409, ALREADY_EXISTS: AIP-133)
      // is the memory added before, read back (polled while its create is still running).
      const memoryId = await memoryIdOf('gemloop', [scope, memory.id]);
      const started = await call<Operation>(
        'add',
        'POST',
        `${parent}/memories?memoryId=${memoryId}`,
        body,
        [409],
      );
      if (started !== undefined) {
        return toRecord(scope, ((await settle('add', started)) ?? {}) as BankMemory);
      }
      for (let poll = 0; poll < maxPolls; poll++) {
        const kept = await own('add', scope, memoryId);
        if (kept !== undefined) return toRecord(scope, kept);
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      }
      throw new MemoryError({
        operation: 'add',
        message: `Memory Bank holds the memory's id but no memory of this scope under it, after ${maxPolls} polls.`,
      });
    },
    async search(scope, query) {
      checkScope(scope);
      checkMemoryText(query.text);
      // As the vector stores do: a NaN limit went out as `topK: NaN`, and a NaN or out-of-range
      // minScore left every memory out, without a word (run68).
      checkSearchBounds(query.limit, query.minScore);
      const found = await call<{
        retrievedMemories?: { memory?: BankMemory; distance?: number }[];
      }>('search', 'POST', `${parent}/memories:retrieve`, {
        scope: bankScope(scope),
        similaritySearchParams: { searchQuery: query.text, topK: Math.min(100, query.limit) },
      });
      const minScore = query.minScore ?? -1;
      const scored: ScoredMemory[] = [];
      for (const { memory, distance } of found?.retrievedMemories ?? []) {
        if (memory === undefined || !ofScope(memory, scope)) continue;
        const score = 1 - (distance ?? 0);
        if (score >= minScore) scored.push({ ...toRecord(scope, memory), score });
      }
      return scored.sort((a, b) => b.score - a.score).slice(0, query.limit);
    },
    list,
    async get(scope, id) {
      const memory = await own('get', scope, id);
      return memory === undefined ? undefined : toRecord(scope, memory);
    },
    async update(scope, id, patch) {
      const memory = await own('update', scope, id);
      if (memory === undefined) return undefined;
      if (patch.text === undefined) return toRecord(scope, memory);
      checkMemoryText(patch.text);
      const started = await call<Operation>(
        'update',
        'PATCH',
        `${parent}/memories/${id}?updateMask=fact`,
        {
          fact: patch.text,
        },
      );
      const done = (await settle('update', started)) as BankMemory | undefined;
      return toRecord(scope, done ?? { ...memory, fact: patch.text });
    },
    async delete(scope, id) {
      if ((await own('delete', scope, id)) === undefined) return false;
      await settle('delete', await call<Operation>('delete', 'DELETE', `${parent}/memories/${id}`));
      return true;
    },
    async deleteAll(scope) {
      const records = await list(scope);
      for (const { id } of records) {
        await settle(
          'deleteAll',
          await call<Operation>('deleteAll', 'DELETE', `${parent}/memories/${id}`),
        );
      }
      return records.length;
    },
    async generate(scope, contents) {
      checkScope(scope);
      const events = contents.map((content) => ({
        content: {
          role: content.role,
          parts: content.parts
            .filter((part) => typeof part.text === 'string')
            .map(({ text }) => ({ text })),
        },
      }));
      await settle(
        'extract',
        await call<Operation>('extract', 'POST', `${parent}/memories:generate`, {
          directContentsSource: { events },
          scope: bankScope(scope),
        }),
      );
    },
  };
}

/**
 * `baseUrl` is an absolute http(s) URL, and plain http only to loopback (attack17: the OAuth
 * access token of every call went to any http:// host in clear text). Not echoed: a URL that does
 * not parse may hold a token pasted by mistake.
 */
function checkBaseUrl(baseUrl: unknown, allowInsecureHttp: unknown): void {
  let url: URL | undefined;
  try {
    url = new URL(String(baseUrl));
  } catch {
    url = undefined;
  }
  if (typeof baseUrl !== 'string' || url === undefined || !/^https?:$/.test(url.protocol)) {
    throw new InvalidArgumentError({
      argument: 'baseUrl',
      message:
        'createVertexMemoryBankStore baseUrl must be an absolute https URL, such as https://us-central1-aiplatform.googleapis.com (the value is not shown).',
    });
  }
  refuseClearTextHttp(url, {
    who: 'createVertexMemoryBankStore',
    argument: 'baseUrl',
    what: 'the access token',
    allowInsecureHttp: checkAllowInsecureHttp('createVertexMemoryBankStore', allowInsecureHttp),
  });
}
