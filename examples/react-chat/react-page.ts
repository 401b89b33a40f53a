import { fileURLToPath } from 'node:url';
import type { ChatPage } from '../browser-chat/chat-app.ts';

/** The React page (chat-page.tsx, bundled with React by the server at start). */
export const REACT_PAGE: ChatPage = {
  html: `<!doctype html>
<meta charset="utf-8">
<title>gemloop react chat</title>
<style>body{font:16px system-ui;max-width:40rem;margin:2rem auto;overflow-wrap:anywhere}.user{font-weight:600}.text{white-space:pre-wrap}</style>
<div id="root"></div>
<script type="module" src="/page.js"></script>`,
  entry: fileURLToPath(new URL('./chat-page.tsx', import.meta.url)),
};
