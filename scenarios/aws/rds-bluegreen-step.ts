import type { RDSClient } from '@aws-sdk/client-rds';
import type { ActionContext } from '../actions/action-types.js';
import { type RdsClientOptions, clientOptionsFor, rdsClient } from './rds-client.js';
import { type Transition, TransitionLog } from './rds-bluegreen-transitions.js';

/** What every `rds-bluegreen-*` step works with: a client, and the transitions it records. */
export interface RdsStep {
  client: RDSClient;
  transitions: TransitionLog;
  /** Marks a phase for each status change and logs every transition. */
  onTransition(t: Transition): void;
}

/**
 * Runs a step's body with an RDS client (destroyed after) and records every transition it saw
 * in the step's details (`transitions`), whether the body succeeded or threw.
 */
export async function withRdsStep(ctx: ActionContext, options: RdsClientOptions, body: (step: RdsStep) => Promise<void>): Promise<void> {
  const client = await rdsClient(clientOptionsFor(options, ctx.scenario));
  const transitions = new TransitionLog();
  const step: RdsStep = {
    client,
    transitions,
    onTransition(t) {
      // The deployment's statuses become the step's phases, so run.json times each one.
      if (t.kind === 'status') ctx.phase(t.to.toLowerCase().replaceAll('_', '-'));
      ctx.log(`${t.at} ${t.kind === 'status' ? 'status' : `${t.kind} ${t.name}`}: ${t.from ?? '-'} -> ${t.to}${t.statusDetails ? ` (${t.statusDetails})` : ''}`);
    },
  };
  try {
    await body(step);
  } finally {
    ctx.detail('transitions', transitions.transitions);
    // The last status seen (DELETED once a delete completed), and AWS's explanation of it.
    const status = transitions.transitions.findLast((t) => t.kind === 'status')?.to;
    if (status) ctx.detail('status', status);
    if (transitions.current?.statusDetails) ctx.detail('statusDetails', transitions.current.statusDetails);
    client.destroy();
  }
}
