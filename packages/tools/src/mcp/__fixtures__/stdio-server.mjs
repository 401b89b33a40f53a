// A small MCP server over stdio for the tests: `node stdio-server.mjs [mode]`.
// Plain JavaScript so it runs with `node` alone (no build, no tsx).
//
// Modes (first argument):
//   (none)             a normal server with the tools below
//   exit-before-init   writes to stderr and exits with code 3 before the handshake
//   never-initialize   reads stdin but never answers (handshake time-out)
const mode = process.argv[2];

if (mode === 'exit-before-init') {
  process.stderr.write(`fixture: config missing, token=${process.env.FIXTURE_SECRET ?? ''}\n`);
  process.exit(3);
}
if (mode === 'never-initialize') {
  process.stdin.resume();
  process.stderr.write(`fixture: waiting forever (pid ${process.pid})\n`);
} else {
  await startServer();
}

async function startServer() {
  // Loaded here, not at the top, so the failure modes start fast even on a loaded machine.
  const [{ Server }, { StdioServerTransport }, { CallToolRequestSchema, ListToolsRequestSchema }] =
    await Promise.all([
      import('@modelcontextprotocol/sdk/server/index.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
      import('@modelcontextprotocol/sdk/types.js'),
    ]);
  const server = new Server({ name: 'fixture-stdio', version: '1.0.0' }, { capabilities: { tools: {} } });

  const tools = [
    {
      name: 'echo',
      description: 'Echoes the text.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
    },
    {
      name: 'read env',
      description: 'Returns FIXTURE_VALUE from the environment and the working directory.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'pid',
      description: 'Returns the process id of the server.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'slow',
      description: 'Waits `ms` milliseconds, then answers; stops early when cancelled.',
      inputSchema: {
        type: 'object',
        properties: { ms: { type: 'integer', minimum: 0 } },
        required: ['ms'],
      },
    },
    {
      name: 'hang',
      description: 'Never answers, and ignores cancellation.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'crash',
      description: 'Exits the server process in the middle of the call.',
      inputSchema: { type: 'object', properties: {} },
    },
  ];

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case 'echo':
        return {
          content: [
            { type: 'text', text: `echo: ${args.text}` },
            { type: 'text', text: `toolCallId: ${request.params._meta?.['gemloop/toolCallId']}` },
          ],
        };
      case 'read env':
        return {
          content: [{ type: 'text', text: `${process.env.FIXTURE_VALUE ?? '(unset)'} in ${process.cwd()}` }],
        };
      case 'pid':
        return { content: [{ type: 'text', text: String(process.pid) }] };
      case 'slow':
        process.stderr.write('fixture: slow call started\n');
        await new Promise((resolve, reject) => {
          const cancel = () => {
            clearTimeout(timer);
            process.stderr.write('fixture: slow call cancelled\n');
            reject(new Error('cancelled'));
          };
          const timer = setTimeout(resolve, args.ms);
          // The cancellation can be read before this handler runs.
          if (extra.signal.aborted) cancel();
          else extra.signal.addEventListener('abort', cancel);
        });
        return { content: [{ type: 'text', text: `waited ${args.ms} ms` }] };
      case 'hang':
        process.stderr.write('fixture: hanging\n');
        return new Promise(() => {});
      case 'crash':
        process.stderr.write('fixture: crashing on purpose\n');
        // Give stderr a moment to flush, then die without answering.
        setTimeout(() => process.exit(7), 10);
        return new Promise(() => {});
      default:
        return { content: [{ type: 'text', text: `unknown tool ${request.params.name}` }], isError: true };
    }
  });

  process.stderr.write('fixture: ready\n');
  await server.connect(new StdioServerTransport());
}
