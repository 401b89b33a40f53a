import { BENCH_MODEL } from '../script/run-script.ts';
import { SERVER_SCRIPTS, type ServerScriptName } from './validate-request.ts';

/** What a request path says: whose call it is, which script it plays, streamed or not. */
export type ScriptedRoute = { contender: string; script: ServerScriptName; stream: boolean };

/**
 * Reads `/c/<contender>/<script>/v1beta/models/<model>:<method>[?alt=sse]` (a path, or a whole
 * URL whose path is that). Anything else, a model other than the bench's, or a stream without
 * `alt=sse` is `undefined`: the scripted servers answer it with an error.
 */
export function parseScriptedRoute(url: string): ScriptedRoute | undefined {
  let pathStart = 0;
  if (!url.startsWith('/')) {
    const schemeEnd = url.indexOf('://');
    if (schemeEnd === -1) return undefined;
    pathStart = url.indexOf('/', schemeEnd + 3);
    if (pathStart === -1) return undefined;
  }
  const queryStart = url.indexOf('?', pathStart);
  const path = queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart);
  const segments = path.split('/');
  if (segments.length !== 7 || segments[1] !== 'c' || segments[4] !== 'v1beta') return undefined;
  if (segments[5] !== 'models') return undefined;
  const script = segments[3] as ServerScriptName;
  if (!SERVER_SCRIPTS.includes(script)) return undefined;
  const [model, method] = segments[6]!.split(':');
  if (model !== BENCH_MODEL) return undefined;
  if (method === 'generateContent') return { contender: segments[2]!, script, stream: false };
  if (method === 'streamGenerateContent') {
    // Only SSE: without alt=sse the API streams a JSON array, which no contender should ask for.
    const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
    if (!query.split('&').includes('alt=sse')) return undefined;
    return { contender: segments[2]!, script, stream: true };
  }
  return undefined;
}
