import type { BlueGreenDeployment } from '@aws-sdk/client-rds';

/** What cutover keeps of a Blue/Green deployment at one poll: plain data, no SDK types. */
export interface BlueGreenView {
  identifier: string;
  name?: string;
  /** PROVISIONING, AVAILABLE, SWITCHOVER_IN_PROGRESS, SWITCHOVER_COMPLETED, INVALID_CONFIGURATION, SWITCHOVER_FAILED, DELETING. */
  status: string;
  /** AWS's explanation of the status (why a switchover was rolled back, what is invalid). */
  statusDetails?: string;
  source?: string;
  target?: string;
  /** Task name -> PENDING, IN_PROGRESS, COMPLETED, FAILED. */
  tasks: Record<string, string>;
  /** `source member -> target member` -> that pair's switchover status. */
  members: Record<string, string>;
}

/** The view of one deployment as DescribeBlueGreenDeployments (or a create/switchover/delete) returned it. */
export function viewOf(d: BlueGreenDeployment): BlueGreenView {
  return {
    identifier: d.BlueGreenDeploymentIdentifier ?? '',
    ...(d.BlueGreenDeploymentName ? { name: d.BlueGreenDeploymentName } : {}),
    status: d.Status ?? 'UNKNOWN',
    ...(d.StatusDetails ? { statusDetails: d.StatusDetails } : {}),
    ...(d.Source ? { source: d.Source } : {}),
    ...(d.Target ? { target: d.Target } : {}),
    tasks: Object.fromEntries((d.Tasks ?? []).map((t) => [t.Name ?? '?', t.Status ?? 'UNKNOWN'])),
    members: Object.fromEntries((d.SwitchoverDetails ?? []).map((m) => [`${m.SourceMember ?? '?'} -> ${m.TargetMember ?? '?'}`, m.Status ?? 'UNKNOWN'])),
  };
}
