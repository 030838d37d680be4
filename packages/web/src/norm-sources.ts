import { messages as t } from './i18n/index.js';
import { limits } from './limits.js';
import { nodeLength } from './text.js';

/** The sources box holds one source per line: as many full sources as the node takes, each on its line. */
export const SOURCES_BOX = limits.norms.noteSources * (limits.norms.source + 1) - 1;

/** Why the node would refuse these sources, one sentence each; the box's own limit bounds only their sum. */
export function sourcesProblems(list: readonly string[]): string[] {
  const problems: string[] = [];
  if (list.length > limits.norms.noteSources) problems.push(t.norms.entry.tooManySources(list.length));
  list.forEach((source, i) => {
    const length = nodeLength(source);
    if (length > limits.norms.source) problems.push(t.norms.entry.sourceTooLong(i + 1, length));
  });
  return problems;
}

