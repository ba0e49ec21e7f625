import { errorLine } from '../core/errors.js';
import type { CheckDefinition, CompareContext, EvaluateContext } from '../checks/define-check.js';
import type { Finding, FindingInput } from '../checks/finding.js';
import { toFinding } from '../checks/to-finding.js';

/**
 * Runs a check's evaluate or compare rule. A rule that throws (e.g. on data from another
 * version of the check) becomes a warning instead of stopping the whole diff.
 */
export function runRule(check: CheckDefinition, source: 'evaluate' | 'compare', rule: () => FindingInput[] | undefined): Finding[] {
  try {
    return (rule() ?? []).map((input) => toFinding(check.id, input, source));
  } catch (error) {
    return [
      toFinding(
        check.id,
        {
          key: 'rule-error',
          severity: 'warn',
          message: `the ${source} rule of ${check.id} failed: ${errorLine(error)}`,
        },
        'differ',
      ),
    ];
  }
}

/** Findings of a check's evaluate rule on one suite's data (none when it has no such rule). */
export function evaluateData(check: CheckDefinition, data: unknown, ctx: EvaluateContext): Finding[] {
  const evaluate = check.evaluate;
  return evaluate ? runRule(check, 'evaluate', () => evaluate.call(check, data, ctx)) : [];
}

/** Findings of a check's compare rule (none when it has no such rule). */
export function compareData(check: CheckDefinition, pre: unknown, post: unknown, ctx: CompareContext): Finding[] {
  const compare = check.compare;
  return compare ? runRule(check, 'compare', () => compare.call(check, pre, post, ctx)) : [];
}
