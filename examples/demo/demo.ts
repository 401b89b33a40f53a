import { version } from '@gemloop/core';

// Placeholder until the demo agent lands (issue 4).
console.log(`gemloop ${version}`);
