// What the writer fixtures (append-concurrently.mjs, append-in-thread.mjs, append-and-die.mjs)
// share: a logger that says nothing, and the turn a named writer appends.

/** A logger of the shape the store's `append` context takes, that writes nothing. */
export const silentLogger = {
  child: () => silentLogger,
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Turn `index` of `writer`: its question, and an answer padded to about `size` bytes. */
export const writerTurn = (writer, index, size) => ({
  contents: [
    { role: 'user', parts: [{ text: `${writer} question ${index}` }] },
    { role: 'model', parts: [{ text: `${writer} answer ${index} ${'.'.repeat(size)}` }] },
  ],
  createdAt: index,
});
