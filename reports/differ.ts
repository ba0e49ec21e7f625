import { CutoverError } from '../core/errors.js';
import type { ResolvedConfig } from '../core/config.js';
import type { CheckDefinition, Suite } from '../checks/define-check.js';
import { CATALOG } from '../checks/catalog.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../checks/snapshot.js';
import { type Finding, type FindingInput, SEVERITY_ORDER } from '../checks/finding.js';
import { type CheckEntry, checkEntry } from './check-entry.js';
import { compareData, evaluateData } from './run-rule.js';
import { toFinding } from '../checks/to-finding.js';
import { sortFindings } from './sort-findings.js';

/**
 * Turns a pre and a post snapshot into findings: each check's compare rule on both data, its
 * evaluate rule on the post data, and findings for checks that could not be compared.
 * Most severe first, then by id.
 */
export function diffSnapshots(
  pre: Snapshot,
  post: Snapshot,
  config: ResolvedConfig,
  checks: readonly CheckDefinition[] = CATALOG,
): Finding[] {
  assertComparable(pre, post);
  const known = new Map(checks.map((c) => [c.id, c]));
  const ids = [...new Set([...Object.keys(pre.checks), ...Object.keys(post.checks)])];
  const findings: Finding[] = [];
  for (const id of ids) {
    const check = known.get(id);
    const before = checkEntry(pre.checks[id]);
    const after = checkEntry(post.checks[id]);
    if (!check) {
      findings.push(
        differFinding(id, {
          key: 'unknown-check',
          severity: 'info',
          message: `check ${id} is not known to this version of cutover; its data was not compared`,
        }),
      );
      continue;
    }
    findings.push(...diffCheck(check, before, after, pre, post, config));
  }
  return sortFindings(dedupe(findings));
}

function diffCheck(
  check: CheckDefinition,
  before: CheckEntry | undefined,
  after: CheckEntry | undefined,
  pre: Snapshot,
  post: Snapshot,
  config: ResolvedConfig,
): Finding[] {
  const id = check.id;
  const findings: Finding[] = [];
  const inSuite = (suite: Suite) => !check.suites || check.suites.includes(suite);

  if (before?.status === 'ok' && after?.status === 'ok') {
    findings.push(
      ...compareData(check, before.data, after.data, {
        config,
        pre: { serverVersionNum: pre.server.versionNum },
        post: { serverVersionNum: post.server.versionNum },
      }),
    );
  }

  if (before?.status === 'ok' && (after?.status === 'skipped' || after?.status === 'error')) {
    const how = after.status === 'skipped' ? 'skipped' : 'failed';
    findings.push(
      differFinding(id, {
        key: 'not-collected-after',
        severity: 'warn',
        message: `${id} was collected before but ${how} after: ${after.reason}`,
        details: { post: after.status, reason: after.reason },
      }),
    );
  } else if (after?.status === 'error') {
    findings.push(couldNotLook(id, 'post', after.reason));
  }
  if (before?.status === 'error') findings.push(couldNotLook(id, 'pre', before.reason));

  if (before && !after && inSuite('post')) {
    findings.push(
      differFinding(id, {
        key: 'absent-after',
        severity: 'info',
        message: `${id} ran before but not after (excluded, or not in the post suite); nothing to compare`,
      }),
    );
  }
  if (!before && after && inSuite('pre')) {
    findings.push(
      differFinding(id, {
        key: 'absent-before',
        severity: 'info',
        message: `${id} ran after but not before (excluded, or not in the pre suite); nothing to compare`,
      }),
    );
  }

  // Evaluate the state the upgrade left behind; a pre-only check (e.g. upgrade compatibility)
  // is evaluated on the pre data instead, since that is the only state it describes.
  if (after?.status === 'ok') {
    const found = evaluateData(check, after.data, evaluateContext(post, config));
    const already =
      before?.status === 'ok' && found.length > 0
        ? new Set(evaluateData(check, before.data, evaluateContext(pre, config)).map((f) => f.id))
        : new Set<string>();
    findings.push(...found.map((f) => (f.source === 'evaluate' ? { ...f, preExisting: already.has(f.id) } : f)));
  } else if (!inSuite('post') && before?.status === 'ok') {
    findings.push(...evaluateData(check, before.data, evaluateContext(pre, config)));
  }
  return findings;
}

function evaluateContext(snapshot: Snapshot, config: ResolvedConfig) {
  return { config, serverVersionNum: snapshot.server.versionNum, suite: snapshot.suite };
}

function couldNotLook(id: string, suite: Suite, reason: string): Finding {
  return differFinding(id, {
    key: `error-${suite}`,
    severity: 'warn',
    message: `${id} could not look ${suite === 'pre' ? 'before' : 'after'}: ${reason}`,
    details: { suite, reason },
  });
}

function differFinding(checkId: string, input: FindingInput): Finding {
  return toFinding(checkId, input, 'differ');
}

/** The differ's rules compare data written by one schema version only. */
function assertComparable(pre: Snapshot, post: Snapshot): void {
  if (pre.schemaVersion !== post.schemaVersion || pre.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    throw new CutoverError(
      'input',
      `cannot compare snapshots of schema versions ${String(pre.schemaVersion)} (pre) and ${String(post.schemaVersion)} (post); this cutover reads version ${SNAPSHOT_SCHEMA_VERSION}`,
    );
  }
}

/** Two rules may report the same id (compare and evaluate); keep the most severe, first on ties. */
function dedupe(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) {
    const seen = byId.get(f.id);
    if (!seen || SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[seen.severity]) byId.set(f.id, f);
  }
  return [...byId.values()];
}
