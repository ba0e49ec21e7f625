import type { ActionDefinition } from './action-types.js';
import { checkAction } from './check.js';
import { commandAction } from './command.js';
import { dumpRestoreAction } from './dump-restore.js';
import { extensionUpdateAction } from './extension-update.js';
import { logicalBluegreenAction } from './logical-bluegreen.js';
import { minorRestartAction } from './minor-restart.js';
import { pgUpgradeAction } from './pg-upgrade.js';
import { rdsBluegreenCreateAction } from './rds-bluegreen-create.js';
import { rdsBluegreenDeleteAction } from './rds-bluegreen-delete.js';
import { rdsBluegreenSwitchoverAction } from './rds-bluegreen-switchover.js';
import { rdsBluegreenWaitAction } from './rds-bluegreen-wait.js';
import { sqliteMigrateAction } from './sqlite-migrate.js';
import { imageSwapAction } from './image-swap.js';
import { waitAction } from './wait.js';
import { failoverAction } from './failover.js';
import { promoteAction } from './promote.js';
import { rejoinAction } from './rejoin.js';
import { switchoverAction } from './switchover.js';
import { patroniSwitchoverAction } from './patroni-switchover.js';
import { patroniFailoverAction } from './patroni-failover.js';
import { patroniMajorUpgradeAction } from './patroni-major-upgrade.js';

export { defineAction, type ActionContext, type ActionDefinition, type ProvisionOptions } from './action-types.js';
export { actionByName, parseStep, type ParsedStep } from './registry.js';

/** Every action a scenario's steps may name. A new action is one file and one line here. */
export const ACTIONS: Readonly<Record<string, ActionDefinition<unknown>>> = {
  'minor-restart': minorRestartAction,
  wait: waitAction,
  command: commandAction,
  'logical-bluegreen': logicalBluegreenAction,
  'pg-upgrade': pgUpgradeAction,
  'dump-restore': dumpRestoreAction,
  'rds-bluegreen-create': rdsBluegreenCreateAction,
  'rds-bluegreen-wait': rdsBluegreenWaitAction,
  'rds-bluegreen-switchover': rdsBluegreenSwitchoverAction,
  'rds-bluegreen-delete': rdsBluegreenDeleteAction,
  'sqlite-migrate': sqliteMigrateAction,
  'image-swap': imageSwapAction,
  'extension-update': extensionUpdateAction,
  check: checkAction,
  promote: promoteAction,
  failover: failoverAction,
  switchover: switchoverAction,
  rejoin: rejoinAction,
  'patroni-switchover': patroniSwitchoverAction,
  'patroni-failover': patroniFailoverAction,
  'patroni-major-upgrade': patroniMajorUpgradeAction,
};
