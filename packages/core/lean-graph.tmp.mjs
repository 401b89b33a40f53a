import { build } from 'esbuild';
const [entryCode] = process.argv.slice(2);
const r = await build({ stdin: { contents: entryCode, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', conditions: ['@gemloop/source'], write: false, metafile: true, logLevel: 'silent', external: ['zod','undici','p-retry','eventsource-parser','@opentelemetry/api', 'pino', '@cfworker/json-schema','zod-to-json-schema'] });
const inputs = r.metafile.inputs; const root = '<stdin>';
const seen = new Set([root]); const q=[root];
for (let p=q.pop(); p!==undefined; p=q.pop()) for (const i of inputs[p]?.imports ?? []) { if (i.kind!=='import-statement'||i.external) continue; if(!seen.has(i.path)){seen.add(i.path);q.push(i.path);} }
console.log([...seen].filter(x=>x!=='<stdin>').map(x=>x.replace(/.*src\//,'')).sort().join('\n'));
