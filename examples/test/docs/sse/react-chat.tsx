import { toPageMessage, useAgentChat } from '@gemloop/react';
import { useState } from 'react';

export function Chat() {
  const { messages, status, error, send, stop, approve } = useAgentChat({ url: '/chat' });
  const [input, setInput] = useState('');
  return (
    <>
      {messages.map((message) =>
        message.role === 'user' ? (
          <p key={message.id}>You: {message.text}</p>
        ) : (
          <div key={message.id}>
            {message.toolCalls.map((call) => (
              <div key={call.toolCallId}>
                {call.toolName}: {call.status} {call.preview ?? call.error ?? ''}
              </div>
            ))}
            {message.approvals.map((approval) => (
              <div key={approval.approvalId}>
                {approval.toolName} wants to run with {JSON.stringify(approval.args)}
                <button
                  type="button"
                  disabled={approval.answering !== undefined}
                  onClick={() => approve(approval.approvalId, 'approve')}
                >
                  Approve
                </button>
                <button
                  type="button"
                  onClick={() => approve(approval.approvalId, 'deny', 'Not now.')}
                >
                  Deny
                </button>
              </div>
            ))}
            <p>{message.text}</p>
          </div>
        ),
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void send(input);
          setInput('');
        }}
      >
        <input value={input} onChange={(event) => setInput(event.target.value)} />
        <button type="submit">Send</button>
        <button type="button" onClick={stop} disabled={status === 'idle' || status === 'error'}>
          Stop
        </button>
      </form>
      {error && <p role="alert">{toPageMessage(error)}</p>}
    </>
  );
}
