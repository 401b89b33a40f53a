// The class lives in core since a chat session throws it too (leftovers53): the same typed error
// from a chat send and a durable chat turn whose holder nobody reaches.
export type { UnknownHandoffAgentErrorOptions } from '@gemloop/core/errors';
export { UnknownHandoffAgentError } from '@gemloop/core/errors';
