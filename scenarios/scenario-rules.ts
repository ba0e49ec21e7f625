import { CutoverError } from '../core/errors.js';
import type { StepPlan } from './actions/action-types.js';
import { specMajor } from './actions/upgrade-rules.js';
import { parseStep } from './actions/registry.js';
import { replicaRoles } from './replicas/replica-roles.js';
import type { ProviderSpec, Scenario } from './scenario-types.js';
import { extensionSourceProblems } from './providers/extension-install.js';

/**
 * Checks the rules that relate fields of a scenario (a minor restart's target against blue's
 * major, a green an upgrade needs) with each action's `validate`, before any server starts: a
 * scenario that cannot succeed is a usage error, not a failure after provisioning and the soak.
 * Every problem is reported at once.
 */
export async function checkScenarioRules(scenario: Scenario, source = 'scenario'): Promise<void> {
  // A SQLite blue is no server: steps see no PostgreSQL in that role.
  const blue = scenario.blue.provider === 'sqlite' ? undefined : scenario.blue;
  const specs: Record<string, ProviderSpec | undefined> = { blue, green: scenario.green };
  const majors: Record<string, number | undefined> = { blue: blue ? await specMajor(blue) : undefined, green: scenario.green ? await specMajor(scenario.green) : undefined };
  // A standby runs blue's binaries: its spec and major are blue's.
  for (const role of replicaRoles(scenario)) [specs[role], majors[role]] = [blue, majors.blue];
  let writer = blue ? 'blue' : 'green';
  const problems: string[] = [...sqliteRules(scenario, source), ...replicaRules(scenario, source), ...setupRules(scenario, source)];
  for (const role of ['blue', 'green'] as const) {
    const spec = specs[role];
    if (spec && 'extensions' in spec && spec.extensions) problems.push(...(await extensionSourceProblems(spec.extensions, `${source}: field "${role}.extensions"`, majors[role])));
  }
  for (const [i, spec] of scenario.steps.entries()) {
    const step = parseStep(spec, i, source);
    const plan: StepPlan = { writer, majors, specs };
    const found = (await step.definition.validate?.(scenario, step.params, plan)) ?? [];
    for (const problem of found) problems.push(`${source}: step ${i + 1} (${step.definition.name}): ${problem}`);
    const added = step.definition.addsServer?.(step.params);
    if (added) {
      specs[added.role] = added.spec;
      majors[added.role] = await specMajor(added.spec);
    }
    writer = step.definition.writerAfter?.(step.params) ?? step.definition.movesWriterTo ?? writer;
  }
  const [first] = problems;
  if (first !== undefined) throw new CutoverError('config', first, { message: problems.join('\n'), problems });
}

/** `setup` prepares a server cutover provisions: never a user's own (external) server, nor a SQLite file. */
function setupRules(scenario: Scenario, source: string): string[] {
  const provider = scenario.blue.provider;
  if (!scenario.setup || (provider !== 'external' && provider !== 'sqlite')) return [];
  return [`${source}: field "setup": runs on a blue cutover provisions (embedded, bindir, container, patroni), got provider "${provider}"`];
}

/** Standbys are copies of a local blue's data directory: blue must be a server cutover runs (embedded or bindir). */
function replicaRules(scenario: Scenario, source: string): string[] {
  if (!scenario.replicas?.length) return [];
  const provider = scenario.blue.provider;
  if (provider === 'embedded' || provider === 'bindir') return [];
  return [`${source}: field "replicas": standbys are made from a blue cutover runs locally (provider embedded or bindir), got provider "${provider}"`];
}

/** The actions a scenario whose blue is a SQLite file may run besides `sqlite-migrate`: nothing else upgrades a file. */
const SQLITE_COMPANIONS: ReadonlySet<string> = new Set(['sqlite-migrate', 'wait', 'command']);

/** A SQLite blue: a green to load into, one `sqlite-migrate` step first, no step that needs a PostgreSQL blue. */
function sqliteRules(scenario: Scenario, source: string): string[] {
  const problems: string[] = [];
  const migrates = scenario.steps.filter((s) => s.action === 'sqlite-migrate').length;
  if (scenario.blue.provider !== 'sqlite') {
    if (migrates > 0) problems.push(`${source}: step "sqlite-migrate" needs blue to be a SQLite file ({ provider: sqlite, file: PATH }), got provider "${scenario.blue.provider}"`);
    return problems;
  }
  if (scenario.blue.file !== undefined && scenario.blue.sample !== undefined) problems.push(`${source}: field "blue": expected either "file" or "sample", got both`);
  if (!scenario.green) problems.push(`${source}: field "green": a SQLite blue needs the PostgreSQL it moves to (e.g. { provider: embedded, version: '17' }), got none`);
  if (scenario.steps[0]?.action !== 'sqlite-migrate' || migrates !== 1) {
    problems.push(`${source}: field "steps": a SQLite blue needs exactly one "sqlite-migrate" step, first (writes start on green after it), got ${scenario.steps.map((s) => s.action).join(', ')}`);
  }
  for (const [i, step] of scenario.steps.entries()) {
    if (!SQLITE_COMPANIONS.has(step.action)) problems.push(`${source}: step ${i + 1} (${step.action}): not possible with a SQLite blue; expected one of ${[...SQLITE_COMPANIONS].join(', ')}`);
  }
  return problems;
}
