import type { McpCallInFlight } from '../server-requests/mcp-calls-in-flight.ts';

/**
 * A field of a form an MCP server asks for (`elicitation/create`, form mode): a flat JSON Schema
 * of one primitive (string, number, integer, boolean), an enum of strings, or an array of enum
 * strings, as the MCP spec's `PrimitiveSchemaDefinition` allows. Read leniently.
 */
export type McpElicitationField = {
  type: string;
  title?: string | undefined;
  description?: string | undefined;
  /** The choices of a string field (or `oneOf`: `{ const, title }` each). */
  enum?: unknown;
  oneOf?: unknown;
  /** An array field's items (`{ type: 'string', enum }` or `{ anyOf }`). */
  items?: unknown;
  minLength?: unknown;
  maxLength?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  minItems?: unknown;
  maxItems?: unknown;
  /** `email`, `uri`, `date` or `date-time` for a string field. */
  format?: unknown;
  default?: unknown;
  [keyword: string]: unknown;
};

/**
 * What an MCP server asks the user (`elicitation/create`), in one of the two modes of the MCP
 * spec (2025-11-25, "Elicitation"; `ElicitRequestFormParams` / `ElicitRequestURLParams` in
 * `@modelcontextprotocol/sdk`):
 *
 * - `form`: fields to fill in, described by a flat JSON Schema (`requestedSchema`); the answer
 *   carries their values. Never ask for secrets this way: the spec forbids it.
 * - `url`: a page to open out of band (a sign-in, a payment); the answer only says whether the
 *   user agreed to open it, and what the user enters there never passes through the client.
 */
export type McpElicitationRequest =
  | {
      mode: 'form';
      /** The server, as errors and logs name it (`server "name"`). */
      server: string;
      /** What the server says to the user, to show as it is. */
      message: string;
      requestedSchema: {
        type: 'object';
        properties: { [name: string]: McpElicitationField };
        required?: readonly string[] | undefined;
      };
    }
  | {
      mode: 'url';
      server: string;
      message: string;
      /** The page to open: show it to the user, with its host, before opening it. */
      url: string;
      /** The server's id of this elicitation (its `notifications/elicitation/complete` names it). */
      elicitationId: string;
    };

/** A value of a form field in an accepted answer. */
export type McpElicitationValue = string | number | boolean | readonly string[];

/**
 * The user's answer (`ElicitResult`): `accept` (with the form's values; for `url`, that the user
 * opened the page), `decline` (said no), or `cancel` (dismissed it without a choice).
 */
export type McpElicitationAnswer =
  | { action: 'accept'; content?: { [name: string]: McpElicitationValue } | undefined }
  | { action: 'decline' }
  | { action: 'cancel' };

/** What a handler gets besides the request. */
export type McpElicitationContext = {
  /** Aborted when the server cancels the request or the connection closes. */
  signal: AbortSignal;
  /**
   * The tool calls of this connection running when the request came (MCP does not say which
   * one asks): show the request beside the call when there is one.
   */
  toolCalls: readonly McpCallInFlight[];
};

/**
 * Answers the elicitation requests of an MCP server: ask the user (a page, a terminal, an
 * approval), or answer in code. Throwing (or rejecting) answers the server with an error; a
 * handler that cannot ask anyone should return `{ action: 'decline' }`.
 */
export type McpElicitationHandler = (
  request: McpElicitationRequest,
  context: McpElicitationContext,
) => McpElicitationAnswer | Promise<McpElicitationAnswer>;

/**
 * How a connection answers elicitation: one handler for both modes, or one per mode. A mode
 * without a handler is not declared to the server (the client's `elicitation` capability lists
 * only the modes it answers), so a server that follows the spec never asks for it, and the SDK
 * refuses a request in it with an MCP error (`-32602`) if one does.
 */
export type McpElicitationOptions =
  | McpElicitationHandler
  | {
      form?: McpElicitationHandler | undefined;
      url?: McpElicitationHandler | undefined;
    };
