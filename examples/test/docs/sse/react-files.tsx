import { toPageMessage, useAgentChat } from '@gemloop/react';
import { useRef, useState } from 'react';

export function PhotoChat() {
  const { messages, error, send } = useAgentChat({ url: '/chat' });
  const [input, setInput] = useState('');
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
