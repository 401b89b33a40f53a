import type { Content } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import type { Style } from '../lib/style.ts';
import { formatArgs, formatValue, shownText } from '../lib/trace-printer.ts';

const MAX = 120;

// The stored turns are the model's, tools' and other writers' bytes: each line's escapes are shown
// as text (shownText), never written to the terminal as commands.
const cut = (text: string): string => {
  const line = shownText(text.replace(/\s+/g, ' ').trim());
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
};

/**
 * The stored conversation, one line per part: what the user said, each tool call and its result,
 * what the model answered. Thought parts and signatures are kept in the store but not shown.
 */
export function formatHistory(turns: readonly ChatTurn[], style: Style): string {
  if (turns.length === 0) return style.dim('(no history yet)');
  const lines: string[] = [];
  turns.forEach((turn, index) => {
    lines.push(style.dim(`turn ${index + 1} (${turn.contents.length} contents)`));
    for (const content of turn.contents) lines.push(...formatContent(content, style));
  });
  return lines.join('\n');
}

function formatContent(content: Content, style: Style): string[] {
  const lines: string[] = [];
  const who = content.role === 'model' ? style.green('model') : style.cyan('you  ');
  for (const part of content.parts) {
    if (part.thought === true) continue;
    if (part.text !== undefined && part.text !== '') lines.push(`  ${who} ${cut(part.text)}`);
    if (part.inlineData !== undefined) lines.push(`  ${who} [${cut(part.inlineData.mimeType)}]`);
    if (part.functionCall !== undefined) {
      const call = part.functionCall;
      lines.push(`  ${who} → ${cut(call.name)}(${cut(formatArgs(call.args ?? {}))})`);
    }
    if (part.functionResponse !== undefined) {
      const { name, response } = part.functionResponse;
      lines.push(`  ${style.dim(`tool  ← ${cut(name)}: ${cut(formatValue(response))}`)}`);
    }
    if (part.toolCall !== undefined) {
      lines.push(
        `  ${who} [${cut(String(part.toolCall.toolType))} ${cut(formatValue(part.toolCall.args))}]`,
      );
    }
  }
  return lines;
}
