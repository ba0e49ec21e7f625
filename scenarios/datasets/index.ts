export { seedNotifications, createNotificationsSchema, notificationsSizes, NOTIFICATIONS_BASELINES, datasetBaselines } from './notifications.js';
export type { NotificationsSizes, SeededNotifications, SeedOptions, DatasetBaseline } from './notifications.js';
export { EMBEDDING_DIMENSIONS, vectorAvailable } from './notifications-embeddings.js';
