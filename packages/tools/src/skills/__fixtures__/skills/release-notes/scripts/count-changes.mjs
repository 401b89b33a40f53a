// Counts the lines of a change list given on stdin (run only through a tool the agent has).
let text = '';
process.stdin.on('data', (chunk) => { text += chunk; });
process.stdin.on('end', () => console.log(text.split('\n').filter(Boolean).length));
