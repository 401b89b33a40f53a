// The page of the react-chat example: a chat UI on @gemloop/react's useAgentChat, with no other
// library. The answer streams in, each tool call shows as running then done (or why not), a call
// that needs a person shows Approve/Deny buttons, and Stop aborts the run on the server too. A
// question may carry files (`<input type=file>`: images shown as previews, the model gets them
// inline); a file that cannot be sent says why in the status line, the question back in the input.
// Every event the hook got is kept in `window.chatEvents` (the Chromium test reads it).

import {
  type AssistantChatMessage,
  type BrowserEvent,
  type ChatFile,
  type ChatToolCall,
  ClientError,
  toPageMessage,
  type UseAgentChatResult,
  useAgentChat,
} from '@gemloop/react';
import { type FormEvent, StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { showArgs } from '../browser-chat/show-args.ts';

const received: BrowserEvent[] = [];
// One conversation per page load: the server keeps its turns (a chat session), so each answer
// sees the questions before it.
const conversationId = `page-${Math.random().toString(36).slice(2, 12)}`;
(globalThis as { chatEvents?: unknown }).chatEvents = received;

function Chat() {
  const [input, setInput] = useState('');
  // The question of the last send: a send refused before any request (a file the chat does not
  // take) puts it back in the input, which the submit emptied; the user changes the files only.
  const asked = useRef('');
  const chat = useAgentChat({
    url: '/chat',
    body: { conversationId },
    approvalsUrl: '/approvals',
    onEvent: (event) => received.push(event),
    // The whole error for the developer; the page shows toPageMessage's words below.
    onError: (error) => {
      console.error(error);
      if (ClientError.isInstance(error) && error.code === 'file-refused') setInput(asked.current);
    },
  });
  const { messages, status, error, send, stop, reload } = chat;
  const picker = useRef<HTMLInputElement>(null);
  const busy = status === 'streaming' || status === 'awaiting-approval';
  const refusedFile = ClientError.isInstance(error) && error.code === 'file-refused';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim() === '') return;
    // The FileList is read by the hook (bounded, a slice at a time); a copy, since clearing
    // the input below empties the live list.
    const files = [...(picker.current?.files ?? [])];
    asked.current = input;
    void send(input, files.length === 0 ? undefined : { files });
    setInput('');
    if (picker.current !== null) picker.current.value = '';
  };
  return (
    <main>
      <ol id="messages">
        {messages.map((message) =>
          message.role === 'user' ? (
            <li key={message.id} className="user">
              {message.text}
              {message.files?.map((file, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: a sent message's files never change order, and the same file may be picked twice
                <FileChip key={index} file={file} />
              ))}
            </li>
          ) : (
            <Answer key={message.id} message={message} approve={chat.approve} />
          ),
        )}
      </ol>
      <form id="ask" onSubmit={submit}>
        <input
          name="q"
          size={50}
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="weather in Paris / email me@example.com / news"
        />{' '}
        <input
          type="file"
          name="files"
          ref={picker}
          multiple
          accept="image/*,application/pdf,text/*"
        />{' '}
        <button type="submit">Ask</button>{' '}
        <button type="button" id="stop" onClick={stop} disabled={!busy}>
          Stop
        </button>{' '}
        {/* Not after a refused file: nothing was sent, so there is nothing to send again. */}
        {status === 'error' && !refusedFile && (
          <button type="button" id="retry" onClick={() => void reload()}>
            Retry
          </button>
        )}
      </form>
      <p id="status" data-status={status}>
        {status}
        {/* Not error.message: it quotes what the server sent (an error body, an event's data). */}
        {error === undefined ? '' : `: ${toPageMessage(error)}`}
      </p>
    </main>
  );
}

/** A file sent with a question: its name, type and size, and an image's preview. */
function FileChip({ file }: { file: ChatFile }) {
  return (
    <figure className="file" data-type={file.mediaType} data-size={file.size}>
      {file.previewUrl !== undefined && (
        <img src={file.previewUrl} alt={file.filename ?? 'image'} height={48} />
      )}
      <figcaption>
        {file.filename ?? 'file'} ({file.mediaType}, {file.size} bytes)
      </figcaption>
    </figure>
  );
}

function Answer({
  message,
  approve,
}: {
  message: AssistantChatMessage;
  approve: UseAgentChatResult['approve'];
}) {
  return (
    <li className="assistant" data-outcome={message.outcome ?? 'running'}>
      {message.thoughts !== '' && (
        <details>
          <summary>Thoughts</summary>
          {message.thoughts}
        </details>
      )}
      <ul className="tools">
        {message.toolCalls.map((call) => (
          <li
            key={`${call.path.join('/')}:${call.toolCallId}`}
            className="tool"
            data-tool={call.toolName}
            data-status={call.status}
          >
            {describeCall(call)}
          </li>
        ))}
      </ul>
      {message.approvals.map((approval) => (
        <div key={approval.approvalId} className="approval">
          {approval.toolName} wants to run with {showArgs(approval.args)}{' '}
          <button
            type="button"
            className="approve"
            disabled={approval.answering !== undefined}
            onClick={() => void approve(approval.approvalId, 'approve')}
          >
            Approve
          </button>{' '}
          <button
            type="button"
            className="deny"
            disabled={approval.answering !== undefined}
            onClick={() => void approve(approval.approvalId, 'deny', 'Not now.')}
          >
            Deny
          </button>
        </div>
      ))}
      <p className="text">{message.text}</p>
      {message.usage !== undefined && message.outcome !== undefined && (
        <small className="usage">{message.usage.totalTokens} tokens</small>
      )}
    </li>
  );
}

function describeCall(call: ChatToolCall): string {
  const args = showArgs(call.args);
  switch (call.status) {
    case 'pending':
      return `${call.toolName}(${args}): waiting for approval`;
    case 'running':
      return `${call.toolName}(${args}): running`;
    case 'done':
      return `${call.toolName}(${args}): ${call.preview ?? 'done'}`;
    default:
      return `${call.toolName}(${args}): ${call.outcome ?? 'error'} ${call.error ?? ''}`.trimEnd();
  }
}

const root = document.getElementById('root');
if (root === null) throw new Error('The page needs <div id="root">');
createRoot(root).render(
  <StrictMode>
    <Chat />
  </StrictMode>,
);
