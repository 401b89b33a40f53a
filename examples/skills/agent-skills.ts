// Agent Skills: a folder of SKILL.md skills (https://agentskills.io/specification) given to an
// agent with progressive disclosure. The instructions list only each skill's name and
// description; the model loads the one it picks with load_skill, reads its reference file with
// read_skill_file, and answers. The changelog skill names run_shell in allowed-tools: the agent
// has no such tool, so load_skill reports it unavailable and the skill gains nothing.
//
//   node scripts/run-example.mjs skills
//
// With GEMINI_API_KEY set it asks Gemini; without, gemloop's fake plays the model offline.

import { fileURLToPath } from 'node:url';
import { createAgent } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { createFileTools, loadSkills, skills } from '@gemloop/tools';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';

const SKILLS = fileURLToPath(new URL('./skills', import.meta.url));

await run(
  async ({ gemini, model }) => {
    const loaded = await loadSkills(SKILLS);
    console.log(`skills: ${loaded.map((skill) => skill.name).join(', ')}`);
    // The files tools' root is the skills folder: whatever a skill ships is read there, and only there.
    const files = createFileTools({ root: SKILLS });
    const kit = skills({ skills: loaded, agentTools: files.tools });
    const agent = createAgent({
      gemini,
      model,
      instructions: `You help a small software team.\n\n${kit.instructions}`,
      tools: [...files.tools, ...kit.tools],
    });

    const result = await agent.run(
      'Changelog for: fixed the crash on empty input; added a --json flag.',
    );
    for (const step of result.steps) {
      for (const call of step.toolCalls) {
        const output = call.output as { unavailableTools?: string[] } | undefined;
        const unavailable = output?.unavailableTools;
        console.log(
          `${call.toolName}(${JSON.stringify(call.args)})${unavailable ? ` unavailable: ${unavailable.join(', ')}` : ''}`,
        );
      }
    }
    console.log(`\n${shownAnswer(result.text)}`);
  },
  {
    description: 'Agent Skills: a skill picked, loaded and followed, with its reference file.',
    script: [
      turn.call('load_skill', { name: 'changelog' }),
      turn.call('read_skill_file', { name: 'changelog', path: 'references/format.md' }),
      turn.text(
        '### Added\nAdded a --json flag\n\n### Fixed\nFixed the crash on empty input\n\nThanks to every contributor.',
      ),
    ],
  },
);
