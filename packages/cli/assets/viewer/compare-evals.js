// Two eval results compared case by case, in the page: the same rule as `gemloop eval compare`
// (@gemloop/evals' compareResults), which the viewer's server does not load. A case whose pass
// rate fell, or whose mean score fell at an equal pass rate, is a regression.

function group(attempts) {
  const map = new Map();
  for (const attempt of Array.isArray(attempts) ? attempts : []) {
    if (typeof attempt?.caseId !== 'string') continue;
    const list = map.get(attempt.caseId) ?? [];
    list.push(attempt);
    map.set(attempt.caseId, list);
  }
  return map;
}

function stats(attempts) {
  if (attempts === undefined || attempts.length === 0) return undefined;
  const scores = attempts.flatMap((attempt) =>
    Array.isArray(attempt.scores) ? attempt.scores.map((score) => Number(score?.score) || 0) : [],
  );
  return {
    pass: attempts.filter((attempt) => attempt.status === 'pass').length / attempts.length,
    score: scores.length === 0 ? 0 : scores.reduce((x, y) => x + y, 0) / scores.length,
    cost:
      attempts.reduce((sum, attempt) => sum + (Number(attempt.costUsd) || 0), 0) / attempts.length,
    status: attempts.map((attempt) => String(attempt.status)).join(', '),
    runFile: attempts.find((attempt) => typeof attempt.runFile === 'string')?.runFile,
  };
}

/** Each case of `a` and `b`: its change, pass rates, mean scores, costs and recorded run. */
export function compareEvals(a, b) {
  const groupA = group(a.attempts);
  const groupB = group(b.attempts);
  const ids = [...new Set([...groupA.keys(), ...groupB.keys()])];
  return ids.map((caseId) => {
    const sa = stats(groupA.get(caseId));
    const sb = stats(groupB.get(caseId));
    let change = 'same';
    if (sa === undefined) change = 'added';
    else if (sb === undefined) change = 'removed';
    else if (sb.pass < sa.pass || (sb.pass === sa.pass && sb.score < sa.score - 1e-9))
      change = 'regression';
    else if (sb.pass > sa.pass || (sb.pass === sa.pass && sb.score > sa.score + 1e-9))
      change = 'improvement';
    return { caseId, change, a: sa, b: sb };
  });
}

/** The viewer's run id of a recorded run file (`…/<when>-<runId>.jsonl`), or undefined. */
export function runIdOf(runFile) {
  if (typeof runFile !== 'string') return undefined;
  const name = runFile.split(/[\\/]/).pop() ?? '';
  return name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : undefined;
}
