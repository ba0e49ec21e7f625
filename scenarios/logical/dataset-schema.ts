import { CutoverError } from '../../core/errors.js';
import { createNotificationsSchema } from '../datasets/index.js';
import { prepareWorkload } from '../../load/workloads/prepare.js';
import { workloadByName } from '../../load/workloads/index.js';
import { writersTableDdl } from '../../load/writer-registry.js';
import { SCENARIO_SOAK } from '../soak-through.js';
import type { Scenario } from '../scenario-types.js';
import type { Cluster } from '../topology/cluster.js';
import { ensureReplicaIdentity } from './replica-identity.js';

/**
 * Puts on green the schema cutover itself created on blue (the scenario's dataset and the soak's
 * schema) from their definitions, with no pg_dump: how a logical blue/green on embedded servers
 * (npm binaries have no client tools) gets its schema. Only valid when blue holds nothing else,
 * that is, when cutover provisioned and seeded it.
 */
export async function createDatasetSchema(o: { blue: Cluster; green: Cluster; scenario: Scenario }): Promise<void> {
  const { blue, green, scenario } = o;
  if (!scenario.dataset || blue.provider === 'external') {
    throw new CutoverError('internal', 'createDatasetSchema: blue was not seeded by cutover');
  }
  await using blueDb = await blue.admin();
  const [row] = await blueDb.query<{ vector: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS vector`);
  const vector = row?.vector === true;
  await using greenDb = await green.admin();
  if (vector) {
    const [available] = await greenDb.query<{ ok: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS ok`);
    if (!available?.ok) {
      throw new CutoverError('usage', `logical-bluegreen: blue's dataset uses pgvector, expected green (PostgreSQL ${green.version}) to have it, got no vector extension there (use a bindir provider with pgvector for green)`);
    }
  }
  await createNotificationsSchema(greenDb, { vector });
  if (scenario.soak) {
    await prepareWorkload(greenDb, workloadByName(scenario.soak.workload), SCENARIO_SOAK.schema);
    for (const statement of writersTableDdl(SCENARIO_SOAK.schema)) await greenDb.query(statement);
  }
  // Blue's tables without a key replicate with REPLICA IDENTITY FULL; green matches, so the schemas compare equal.
  await ensureReplicaIdentity(greenDb);
}
