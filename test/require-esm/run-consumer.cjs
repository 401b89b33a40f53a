// Shared by both consumers: uses the public API with an injected fetch (no network) and reports
// what happened as plain data for the test to assert.
const KEY = 'consumer-test-key';

function textResponse(text) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
  };
}

async function runConsumer(core, pinoLoaded) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url: String(url), key: init.headers['x-goog-api-key'] === KEY });
    if (String(url).includes('alt=sse')) {
      const body = ['a', 'b']
        .map((text) => `data: ${JSON.stringify(textResponse(text))}\r\n\r\n`)
        .join('');
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    }
    if (String(url).includes('missing-model')) {
      return Response.json(
        { error: { code: 404, message: 'models/missing-model is not found', status: 'NOT_FOUND' } },
        { status: 404 },
      );
    }
    return Response.json(textResponse('hello'));
  };
  const lines = [];
  const logger = core.createLogger({
    level: 'debug',
    destination: { write: (line) => lines.push(line) },
  });
  const gemini = core.createGemini({
    apiKey: KEY,
    baseUrl: 'https://api.cometapi.com/',
    fetch,
    logger,
  });
  const response = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
  const streamed = [];
  for await (const chunk of gemini.streamGenerateContent({
    model: 'gemini-2.5-flash',
    contents: 'Hi',
  })) {
    streamed.push(chunk.candidates[0].content.parts[0].text);
  }
  let error;
  try {
    await gemini.generateContent({ model: 'missing-model', contents: 'Hi' });
  } catch (caught) {
    error = caught;
  }
  return {
    exports: ['createGemini', 'createLogger', 'ApiCallError', 'MissingApiKeyError'].filter(
      (name) => typeof core[name] === 'function',
    ),
    text: response.candidates[0].content.parts[0].text,
    streamed,
    errorIsApiCallError: core.ApiCallError.isInstance(error),
    errorStatus: error?.status,
    requests,
    pinoLoadedAfterCreateLogger: pinoLoaded(),
    debugLines: lines.length,
    keyInLogs: lines.join('').includes(KEY),
  };
}

/** Every subpath specifier @gemloop/core exports (not the root, not package.json). */
function listSubpaths() {
  const manifest = require('@gemloop/core/package.json');
  return Object.keys(manifest.exports)
    .filter((subpath) => subpath !== '.' && subpath !== './package.json')
    .map((subpath) => `@gemloop/core/${subpath.slice(2)}`);
}

module.exports = { runConsumer, listSubpaths };
