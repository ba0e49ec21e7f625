export { seedNotifications, NOTIFICATIONS_BASELINES } from './notifications.js';
