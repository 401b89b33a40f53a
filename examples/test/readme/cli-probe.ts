// packages/cli README: the probe as a library (typechecked only: it calls a real gateway).
import { formatProbeReport, runProbe } from 'gemloop';

const apiKey = process.env['COMETAPI_KEY'] ?? '';

const report = await runProbe({ baseUrl: 'https://api.cometapi.com', apiKey, auth: 'bearer' });
if (!report.ok) console.log(formatProbeReport(report));
