// A chat module whose `elicitations` export is not a broker (a test fixture): `gemloop chat`
// refuses it by name instead of failing later.
import agent from './chat-agent.ts';

export const elicitations = { pending: 'nothing' };
export default agent;
