import type { FindingInput } from '../finding.js';
import type { SequenceInfo } from './sequences.js';

/**
 * A sequence whose last value went back (or was used before and never after) fails: new rows
 * would reuse ids that exist. Logical replication carries rows but not sequence values, so this
 * is what a blue/green switchover looks like when nobody ran setval on green.
 */
export function compareSequenceValues(
  database: string,
  pre: Record<string, SequenceInfo>,
  post: Record<string, SequenceInfo>,
): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const [name, before] of Object.entries(pre)) {
    const after = post[name];
    if (!after || before.lastValue === null) continue;
    const object = `${database}.${name}`;
    const key = `${database}:${name}`;
    if (after.lastValue === null) {
      findings.push(
        after.unreadable
          ? {
              key: `sequence-value-hidden:${key}`,
              severity: 'warn',
              message: `${database}: sequence ${name} had last value ${before.lastValue} before; after, this role may not read it`,
              object,
            }
          : {
              key: `sequence-behind:${key}`,
              severity: 'fail',
              message: `${database}: sequence ${name} had last value ${before.lastValue} before and has never been used after (reset, or not carried by logical replication): set it with setval before writes resume`,
              object,
              details: { pre: before.lastValue, post: null },
            },
      );
      continue;
    }
    const descending = before.increment.startsWith('-');
    const went = BigInt(after.lastValue) - BigInt(before.lastValue);
    if (descending ? went > 0n : went < 0n) {
      findings.push({
        key: `sequence-behind:${key}`,
        severity: 'fail',
        message: `${database}: sequence ${name} went back from ${before.lastValue} to ${after.lastValue}: new rows may reuse existing ids`,
        object,
        details: { pre: before.lastValue, post: after.lastValue },
      });
    }
  }
  return findings;
}
