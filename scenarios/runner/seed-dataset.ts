import type { Session } from '../../core/session.js';
import { datasetBaselines, seedNotifications, type DatasetBaseline } from '../datasets/index.js';
import type { Scenario } from '../scenario-types.js';

/**
 * Seeds a scenario's dataset on a provisioned blue and says what it wrote; the EXPLAIN baselines
 * that fit what was seeded come with it. The one place the runner reaches the datasets.
 */
export async function seedDataset(db: Session, dataset: Exclude<Scenario['dataset'], false>): Promise<{ summary: string; baselines: DatasetBaseline[] }> {
  const seeded = await seedNotifications(db, dataset.scale);
  return {
    summary: `notifications, ${seeded.users} users, ${seeded.notifications} notifications${seeded.vector ? `, ${seeded.embeddings} embeddings` : ''}`,
    baselines: datasetBaselines(seeded.vector),
  };
}
