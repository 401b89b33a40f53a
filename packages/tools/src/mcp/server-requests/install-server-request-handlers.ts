// The handlers themselves, typed by the SDK: internal, so that no public declaration of
// @gemloop/tools names the SDK's types (an optional peer, whose types also need DOM's lib).
import type { Logger } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { costOf } from '@gemloop/core/models';
import type {
  McpElicitationAnswer,
  McpElicitationHandler,
  McpElicitationOptions,
  McpElicitationRequest,
} from '../elicitation/mcp-elicitation.ts';
import type { AskUrl } from '../elicitation/url-elicitations.ts';
import { plainServerName } from '../errors/describe-error-chain.ts';
import { callsInFlight } from './mcp-calls-in-flight.ts';
import type { McpSamplingPolicy, SamplingParams } from './mcp-sampling.ts';
import {
  DEFAULT_MCP_SAMPLING_MAX_TOKENS,
  toSamplingContents,
  toSamplingRequest,
} from './mcp-sampling.ts';
import type { McpServerRequestOptions } from './mcp-server-request-options.ts';

type TypesModule = typeof import('@modelcontextprotocol/sdk/types.js');
type SdkClient = InstanceType<typeof import('@modelcontextprotocol/sdk/client/index.js').Client>;

/** The MCP spec's code for a sampling request the user (here: the policy) rejected. */
const USER_REJECTED = -1;

/** The elicitation handlers by mode, from either spelling of the option. @internal */
export function elicitationHandlers(option: McpElicitationOptions | undefined): {
  form?: McpElicitationHandler | undefined;
  url?: McpElicitationHandler | undefined;
} {
  if (option === undefined) return {};
  if (typeof option === 'function') return { form: option, url: option };
  return option;
}

/**
 * The client capabilities these options declare (the `capabilities` of the SDK `Client`): only
 * the elicitation modes that have a handler, and `sampling` only with a policy.
 * @internal
 */
export function serverRequestCapabilities(options: McpServerRequestOptions): {
  elicitation?: { form?: Record<string, never>; url?: Record<string, never> };
  sampling?: Record<string, never>;
} {
  const { form, url } = elicitationHandlers(options.elicitation);
  return {
    ...(form === undefined && url === undefined
      ? {}
      : { elicitation: { ...(form ? { form: {} } : {}), ...(url ? { url: {} } : {}) } }),
    ...(options.sampling === undefined ? {} : { sampling: {} }),
  };
}

/**
 * Declares the capabilities and installs the handlers on an SDK client that is not connected yet.
 * Returns how the client asks the user to open a page when a server refuses a call until they
 * have (`URLElicitationRequiredError`), for the tools to use: set only with a `url` handler.
 * @internal
 */
export function installServerRequestHandlers({
  client,
  types,
  options,
  serverName,
  redact = (text) => text,
  logger = silentLogger,
}: {
  client: SdkClient;
  types: TypesModule;
  options: McpServerRequestOptions;
  /** The server's name, read when a request arrives (the handshake tells it). */
  serverName: () => string | undefined;
  /** Takes the connection's secrets out of the name shown (a server may name itself after one). */
  redact?: ((text: string) => string) | undefined;
  logger?: Logger | undefined;
}): AskUrl | undefined {
  const { McpError, ErrorCode, ElicitRequestSchema, CreateMessageRequestSchema } = types;
  const capabilities = serverRequestCapabilities(options);
  if (Object.keys(capabilities).length === 0) return undefined;
  client.registerCapabilities(capabilities);
  const named = (): string => {
    const name = serverName();
    // Shown to the handler (a page, a terminal) and logged: the server's word, made plain.
    return typeof name !== 'string' ? 'server' : `server "${plainServerName(name, redact)}"`;
  };

  const { form, url } = elicitationHandlers(options.elicitation);
  let askUrl: AskUrl | undefined;
  if (url !== undefined) {
    // The same handler answers a call the server refused until pages are opened (-32042).
    askUrl = async (params, signal) => {
      const server = named();
      try {
        return await url(
          // Field by field: the server's data may carry more (a `server` of its own choosing).
          {
            mode: 'url',
            server,
            message: params.message,
            url: params.url,
            elicitationId: params.elicitationId,
          },
          { signal, toolCalls: callsInFlight(client) },
        );
      } catch (error) {
        logger.warn({ server, mode: 'url', err: error }, 'mcp elicitation handler failed');
        return { action: 'cancel' };
      }
    };
  }
  if (form !== undefined || url !== undefined) {
    client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
      const params = request.params;
      const server = named();
      // The SDK has checked the request and refused a mode this client did not declare.
      const asked: McpElicitationRequest =
        params.mode === 'url'
          ? {
              mode: 'url',
              server,
              message: params.message,
              url: params.url,
              elicitationId: params.elicitationId,
            }
          : {
              mode: 'form',
              server,
              message: params.message,
              requestedSchema: params.requestedSchema as Extract<
                McpElicitationRequest,
                { mode: 'form' }
              >['requestedSchema'],
            };
      const handler = (asked.mode === 'url' ? url : form) as McpElicitationHandler;
      let answer: McpElicitationAnswer;
      try {
        answer = await handler(asked, { signal: extra.signal, toolCalls: callsInFlight(client) });
      } catch (error) {
        // The handler's error stays here: its message may hold what the user typed.
        logger.warn({ server, mode: asked.mode, err: error }, 'mcp elicitation handler failed');
        throw new McpError(
          ErrorCode.InternalError,
          'The client could not answer the elicitation request.',
        );
      }
      logger.debug?.({ server, mode: asked.mode, action: answer?.action }, 'mcp elicitation');
      return answer as { action: 'accept' | 'decline' | 'cancel' };
    });
  }

  const policy = options.sampling;
  if (policy !== undefined) {
    const cap = policy.maxTokens ?? DEFAULT_MCP_SAMPLING_MAX_TOKENS;
    const allowed = new Set(policy.allowedServers);
    client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
      const params = request.params as unknown as SamplingParams;
      const name = serverName();
      const server = named();
      const toolCalls = callsInFlight(client);
      const refuse = (why: string): never => {
        logger.info({ server, why }, 'mcp sampling refused');
        policy.link?.report(toolCalls, 'sampling-refused', { server, reason: why });
        throw new McpError(USER_REJECTED, `User rejected sampling request: ${why}`);
      };
      if (name === undefined || !allowed.has(name)) {
        refuse(`this client does not sample for ${server}`);
      }
      if (params.maxTokens > cap) {
        refuse(`maxTokens ${params.maxTokens} is over this client's limit of ${cap}`);
      }
      const converted = toSamplingContents(params.messages);
      if ('problem' in converted) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `Sampling request not supported: ${converted.problem}; this client samples text, images and audio.`,
        );
      }
      if (policy.approve !== undefined) {
        let approved: boolean;
        try {
          approved = await policy.approve(
            {
              server: name as string,
              contents: converted.contents,
              systemPrompt: params.systemPrompt,
              maxTokens: params.maxTokens,
            },
            { signal: extra.signal },
          );
        } catch (error) {
          // The hook's error is for this side's log; the server hears only that it was refused.
          logger.warn({ server, err: error }, 'mcp sampling approve hook failed');
          approved = false;
        }
        if (approved !== true) refuse('declined');
      }
      let response: Awaited<ReturnType<McpSamplingPolicy['gemini']['generateContent']>>;
      try {
        response = await policy.gemini.generateContent(
          toSamplingRequest(params, converted.contents, policy.model),
          { signal: extra.signal },
        );
      } catch (error) {
        // Only the status goes back to the server: the client's error is for this side's logs.
        logger.warn({ server, err: error }, 'mcp sampling call failed');
        const status = (error as { status?: unknown }).status;
        throw new McpError(
          ErrorCode.InternalError,
          `The model call for the sampling request failed${typeof status === 'number' ? ` (HTTP ${status})` : ''}.`,
        );
      }
      if (policy.link !== undefined) {
        // A model call on the agent's key: its tokens and cost shown in the run that asked (the
        // run's own usage counts only its model steps). Never the prompt or the answer.
        const usage = response.usageMetadata ?? {};
        const model = response.modelVersion ?? policy.model;
        policy.link.report(toolCalls, 'sampling', {
          server,
          model,
          usage: {
            promptTokenCount: usage.promptTokenCount ?? 0,
            candidatesTokenCount: usage.candidatesTokenCount ?? 0,
            thoughtsTokenCount: usage.thoughtsTokenCount ?? 0,
            totalTokenCount: usage.totalTokenCount ?? 0,
          },
          cost: costOf(usage, policy.model),
        });
      }
      const candidate = response.candidates?.[0];
      const text = (candidate?.content?.parts ?? [])
        .filter((part) => part.thought !== true && typeof part.text === 'string')
        .map((part) => part.text)
        .join('');
      const finish = candidate?.finishReason;
      return {
        role: 'assistant' as const,
        content: { type: 'text' as const, text },
        model: response.modelVersion ?? policy.model,
        stopReason:
          finish === 'MAX_TOKENS'
            ? 'maxTokens'
            : finish === 'STOP' || finish === undefined
              ? 'endTurn'
              : finish,
      };
    });
  }
  return askUrl;
}
