import { boundedText } from '../bounded-text.js';
import { defineEntryRenderer } from '../entry-renderers.js';

// What the model said in a step, as text (bounded, "show more").

defineEntryRenderer('model-text', (entry, { expanded }) => {
  if (entry.text === '') return null;
  return boundedText(entry.text, {
    className: 'entry model-text',
    key: `${entry.keyPrefix ?? ''}text-${entry.stepNumber}`,
    expanded,
  });
});
