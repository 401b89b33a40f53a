// packages/cli README: the probe as a library (typechecked only: it calls a real gateway).
import { formatProbeReport, runProbe } from 'gemloop';

const apiKey = process.env['COMETAPI_KEY'] ?? '';

const report = await runProbe({
  baseUrl: 'https://api.cometapi.com',
  apiKey,
  auth: 'bearer',
  timeoutMs: 30_000,
  // Each line as its check finishes (the report sorts them); sanitised as the report is.
  onRecord: (record) => console.error(record.status, record.title),
});
if (!report.ok) console.log(formatProbeReport(report));
