/**
 * A JSON-RPC error response with no id (the request was refused before it was read), the MCP
 * HTTP door's shape for every refusal of its own. @internal
 */
export function rpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
