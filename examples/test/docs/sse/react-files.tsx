import { ClientError, toPageMessage, useAgentChat } from '@gemloop/react';
import { useRef, useState } from 'react';

export function PhotoChat() {
  const [input, setInput] = useState('');
  const asked = useRef('');
  const { messages, error, send } = useAgentChat({
    url: '/chat',
    // A file refused in the page sent nothing: the question goes back in the input (the submit
    // emptied it), and `reload` has nothing to send again.
    onError: (failure) => {
      if (ClientError.isInstance(failure) && failure.code === 'file-refused')
        setInput(asked.current);
    },
  });
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      {messages.map((message) => (
        <div key={message.id}>
          <p>{message.text}</p>
          {message.role === 'user' &&
            message.files?.map((file, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a sent message's files keep their order
              <figure key={index}>
                {file.previewUrl && <img src={file.previewUrl} alt={file.filename} height={64} />}
                <figcaption>
                  {file.filename} ({file.mediaType}, {file.size} bytes)
                </figcaption>
              </figure>
            ))}
        </div>
      ))}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          // Copied: clearing the input empties its live FileList.
          const files = [...(picker.current?.files ?? [])];
          asked.current = input;
          void send(input, { files });
          setInput('');
          if (picker.current) picker.current.value = '';
        }}
      >
        <input value={input} onChange={(event) => setInput(event.target.value)} />
        <input type="file" ref={picker} multiple accept="image/*,application/pdf" />
        <button type="submit">Send</button>
      </form>
      {error && <p role="alert">{toPageMessage(error)}</p>}
    </>
  );
}
