// README: "Steering: talk to a running agent". A steer joins the running loop at the next step
// boundary; a queued message is asked once the answer is in.
import { createAgent, createGemini } from '@gemloop/core';
import { createSteering } from '@gemloop/core/steering';

const agent = createAgent({ gemini: createGemini(), model: 'gemini-3-flash-preview' });

const steering = createSteering();
const running = agent.run('Plan a three-day trip to Lisbon.', { steering });
steering.steer('Keep it under 500 EUR.'); // joins at the next step boundary
steering.queue('Then list what to pack.'); // asked once the answer is in
const result = await running;

console.log(result.steps.length, result.text);
