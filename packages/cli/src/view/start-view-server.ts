import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@gemloop/core';
import { hostLines, hostnameOf } from '@gemloop/core/internal';
import { describeOptionValue } from '../describe-option-value.ts';
import { createPageJson } from './create-page-json.ts';
import { loadViewerAssets } from './load-viewer-assets.ts';
import { listEvalResults, readEvalResultFile } from './read-eval-results.ts';
import { listForkResults, readForkResultFile } from './read-fork-results.ts';
import type { ResultFileRead } from './read-result-file.ts';
import {
  type ReadCounters,
  type RunListCache,
  type RunViewCache,
  readRunLines,
  readRunSummaries,
  resolveViewLimits,
  type ViewLimits,
} from './read-runs.ts';
import { withoutMediaBytes } from './without-media-bytes.ts';

/** Options of {@link startViewServer}. */
export type ViewServerOptions = {
  /** The folder of the run files. */
  dir: string;
  /** @defaultValue 0 (any free port) */
  port?: number | undefined;
  /**
   * The folder of eval results (`gemloop eval --json <folder>/<name>.json`), for the evals page
   * and its compare. @defaultValue none: the evals page lists nothing
   */
  evalsDir?: string | undefined;
  /**
   * The folder of forks (`gemloop replay --json <folder>/<name>.json`), for the forks page and
   * its side-by-side view. @defaultValue none: the forks page lists nothing
   */
  forksDir?: string | undefined;
  /** How much the viewer reads of the run files. @defaultValue `DEFAULT_VIEW_LIMITS` */
  limits?: Partial<ViewLimits> | undefined;
  /** Counts the bytes the viewer reads and the files it opens (tests, diagnostics). */
  counters?: ReadCounters | undefined;
  /**
   * Told what failed when a request could not be answered (the page gets a 500 that says only
   * to look here). `gemloop view` prints it to the terminal. @defaultValue none
   */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Host names the viewer answers to besides `127.0.0.1` and `localhost` of its own port, any
   * port: the name a proxy on this machine sends in `Host` (a dev container's forwarded port, a
   * tunnel). Every other Host is a 421 naming this option and `--allowed-host`, so a page whose
   * name an attacker points at 127.0.0.1 (DNS rebinding) cannot read the runs.
   * @defaultValue none
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Values no answer shows, each replaced by `[redacted]` wherever a run, eval result or fork
   * holds it (with its URL-encoded, case-folded and base64 forms): `gemloop view` passes the
   * secret-named values of its environment and `.env` (`GEMINI_API_KEY`, `GITHUB_TOKEN`). Google
   * keys and OAuth tokens are redacted by their shape without being named; values under 8
   * characters are left alone. @defaultValue none
   */
  secrets?: readonly string[] | undefined;
  /**
   * The folder of the page's files (`index.html`, its modules and styles), read once at start.
   * @defaultValue the package's `assets/viewer/` (tests point it at a copy they change)
   */
  assetsDir?: URL | undefined;
};

/** What the page reads of a request that failed: never the thrown message (a path, a syscall). */
const FAILED = JSON.stringify({
  error: 'The viewer could not answer this request; the terminal running gemloop view says why.',
});

/** A running viewer: its URL and how to stop it. */
export type ViewServer = {
  readonly url: string;
  close(): Promise<void>;
};

// The page's assets, served from the package (no CDN: the viewer works offline): ES modules
// served as they are (no build step), see loadViewerAssets.
const assetsDir = new URL('../../assets/viewer/', import.meta.url);

// Scripts and styles only from this server, no inline script, nothing framed: a model's or a
// tool's text that slipped into markup still could not run.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Serves the run viewer on 127.0.0.1 only: the page, `GET /api/runs` (summaries, newest first)
 * and `GET /api/runs/<id>` (one run's lines; 403 for a file it will not read, such as a FIFO or
 * a symlink out of the folder), `GET /api/evals[/<id>]` (eval results) and `GET /api/forks[/<id>]`
 * (forks of `gemloop replay --json`). Every read of a run file is bounded ({@link ViewLimits}).
 * Requests whose Host is not this loopback address are refused, so a web page cannot reach the
 * viewer through DNS rebinding.
 * @throws {@link InvalidArgumentError} for a bad limit.
 */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const { dir, counters } = options;
  const limits = resolveViewLimits(options.limits);
  // Each poll re-reads only the run files that changed since the last one.
  const cache: RunListCache = new Map();
  const viewCache: RunViewCache = {};
  const assets = await loadViewerAssets(options.assetsDir ?? assetsDir);
  const toJson = createPageJson(options.secrets);
  let allowedHosts: Set<string> = new Set();
  const allowedNames = checkViewerHosts(options.allowedHosts);
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // The thrown message names this machine's paths (`scandir '/home/…/runs'`): it goes to
      // the terminal, the page gets a fixed text.
      try {
        options.onError?.(error);
      } catch {
        // A reporter that throws changes nothing of the answer.
      }
      send(response, 500, 'application/json', FAILED);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (hostLines(request.rawHeaders) > 1) {
      // RFC 9112 section 3.2: 400. Node keeps the first; a proxy in front may have used the last.
      send(response, 400, 'text/plain', 'Bad request: more than one Host header.');
      return;
    }
    const host = hostOfRequest(request);
    if (!allowedHosts.has(host) && !allowedNames.has(hostnameOf(host) ?? '')) {
      // Never the Host itself: it is the caller's text, and the page is the attacker's.
      send(
        response,
        421,
        'text/plain',
        'This viewer answers on 127.0.0.1 only. Behind a proxy that sends another host name, allow it: gemloop view --allowed-host NAME (allowedHosts of startViewServer).',
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      // RFC 9110 section 15.5.6: a 405 must carry Allow, the methods the resource supports.
      response.writeHead(405, {
        ...SECURITY_HEADERS,
        'content-type': 'text/plain',
        allow: 'GET, HEAD',
      });
      response.end('Method not allowed.');
      return;
    }
    const path = pathOf(request.url);
    if (path === undefined) {
      send(response, 400, 'text/plain', 'Bad request: the target is not a path.');
      return;
    }
    if (path === '/favicon.ico') {
      // No icon, and no 404 for the browser to log.
      response.writeHead(204, SECURITY_HEADERS);
      response.end();
      return;
    }
    const asset = assets.get(path);
    if (asset !== undefined) {
      send(response, 200, asset.type, asset.body, asset.cacheControl);
      return;
    }
    if (path === '/api/evals') {
      const results = options.evalsDir === undefined ? [] : await listEvalResults(options.evalsDir);
      send(response, 200, 'application/json', toJson(results));
      return;
    }
    const evalMatch = /^\/api\/evals\/([^/]+)$/.exec(path);
    if (evalMatch !== null) {
      await sendResult(
        response,
        'eval result',
        options.evalsDir,
        evalMatch[1],
        readEvalResultFile,
        toJson,
      );
      return;
    }
    if (path === '/api/forks') {
      const forks = options.forksDir === undefined ? [] : await listForkResults(options.forksDir);
      send(response, 200, 'application/json', toJson(forks));
      return;
    }
    const forkMatch = /^\/api\/forks\/([^/]+)$/.exec(path);
    if (forkMatch !== null) {
      await sendResult(
        response,
        'fork',
        options.forksDir,
        forkMatch[1],
        readForkResultFile,
        toJson,
      );
      return;
    }
    if (path === '/api/runs') {
      const runs = await readRunSummaries(dir, { limits, cache, counters });
      send(response, 200, 'application/json', toJson(runs));
      return;
    }
    const match = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (match !== null) {
      let id: string;
      try {
        id = decodeURIComponent(match[1] as string);
      } catch {
        send(response, 404, 'application/json', '{"error":"no such run"}');
        return;
      }
      const run = await readRunLines(dir, id, { limits, counters, viewCache });
      if (run === undefined) send(response, 404, 'application/json', '{"error":"no such run"}');
      else if ('problem' in run)
        send(response, 403, 'application/json', toJson({ error: run.problem }));
      else send(response, 200, 'application/json', linesToJson(run.lines, toJson));
      return;
    }
    send(response, 404, 'text/plain', 'Not found.');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A run's lines as a JSON array, one line at a time: a line nested deeper than `JSON.stringify`
 * can go (`JSON.parse` reads any depth, so a hand-made file can hold one; the recorder, which
 * stringifies, never writes one) becomes the viewer's note that it was left out, instead of a
 * RangeError that made the whole run an HTTP 500. Inline media goes as its type and size, never its
 * bytes (without-media-bytes.ts).
 */
function linesToJson(
  lines: readonly Record<string, unknown>[],
  toJson: (value: unknown) => string,
): string {
  const parts = lines.map((line) => {
    try {
      return toJson(withoutMediaBytes(line));
    } catch {
      return toJson({
        type: 'truncated',
        by: 'viewer',
        reason: `A ${String(line['type']).slice(0, 100)} line is nested too deeply to show; it is left out.`,
        at: typeof line['at'] === 'number' ? line['at'] : undefined,
      });
    }
  });
  return `[${parts.join(',')}]`;
}

/**
 * The host a request is for: an absolute-form target's (`GET http://evil.example/ HTTP/1.1`),
 * which replaces the Host header (RFC 9112 section 3.2.2), else the Host header; `''` for none.
 */
function hostOfRequest(request: IncomingMessage): string {
  const target = request.url ?? '/';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target)) return request.headers.host ?? '';
  try {
    return new URL(target).host;
  } catch {
    return '';
  }
}

/**
 * The path of a request target, or `undefined` when no URL can be made of it: `//[` reads as the
 * start of an IPv6 host, and `new URL()` throws (it was answered as the server's own 500).
 */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1').pathname;
  } catch {
    return undefined;
  }
}

/**
 * Answers one result file of `dir` by its percent-encoded id (an eval result, a fork): its JSON,
 * a 403 saying why a file is refused (not UTF-8), or a 404 naming `what` for an id that is not
 * one (or no folder).
 */
async function sendResult(
  response: ServerResponse,
  what: string,
  dir: string | undefined,
  encodedId: string | undefined,
  read: (dir: string, id: string) => Promise<ResultFileRead | undefined>,
  toJson: (value: unknown) => string,
): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(encodedId ?? '');
  } catch {
    id = '';
  }
  const result = dir === undefined ? undefined : await read(dir, id);
  if (result === undefined)
    send(response, 404, 'application/json', JSON.stringify({ error: `no such ${what}` }));
  // Refused as a run file the viewer cannot read is (403), in the words the commands use.
  else if ('problem' in result)
    send(response, 403, 'application/json', toJson({ error: result.problem }));
  else send(response, 200, 'application/json', toJson(result.record));
}

/** Answers with the security headers; `cacheControl` replaces `no-store` (the stamped modules). */
function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  cacheControl = 'no-store',
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'cache-control': cacheControl,
    'content-type': type,
  });
  response.end(body);
}

/**
 * `allowedHosts` checked: host names (a port is dropped), as a URL writes them.
 * @throws {@link InvalidArgumentError} naming `allowedHosts` for an entry that is no host name.
 */
function checkViewerHosts(value: readonly string[] | undefined): ReadonlySet<string> {
  const names = new Set<string>();
  if (value === undefined) return names;
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError({
      argument: 'allowedHosts',
      message: "allowedHosts must be an array of host names: ['viewer.example.com'].",
    });
  }
  for (const each of value as readonly unknown[]) {
    const name = typeof each === 'string' ? hostnameOf(each.trim()) : undefined;
    if (name === undefined || name === '' || String(each).includes('://')) {
      throw new InvalidArgumentError({
        argument: 'allowedHosts',
        message: `allowedHosts: ${describeOptionValue(each)} is not a host name such as 'viewer.example.com' (no scheme or path).`,
      });
    }
    names.add(name);
  }
  return names;
}
