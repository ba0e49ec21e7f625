import type { BlueGreenView } from './rds-bluegreen-view.js';

/** One change seen between two polls: the deployment's status, a task's, or a member pair's. */
export interface Transition {
  /** When cutover saw it (ISO 8601); the change happened between the previous poll and this one. */
  at: string;
  kind: 'status' | 'task' | 'member';
  /** The task or member pair; absent for the deployment's own status. */
  name?: string;
  /** null the first time cutover sees it. */
  from: string | null;
  to: string;
  /** AWS's StatusDetails at that moment, on status changes. */
  statusDetails?: string;
}

/**
 * The transitions of one deployment, as successive views reveal them. The first view records
 * every status as a transition from null, so the run shows where things stood when the step began.
 */
export class TransitionLog {
  readonly transitions: Transition[] = [];
  private last?: BlueGreenView;

  /** The latest view seen. */
  get current(): BlueGreenView | undefined {
    return this.last;
  }

  /** Records what changed since the last view; returns only the new transitions. */
  observe(view: BlueGreenView, at: Date = new Date()): Transition[] {
    const when = at.toISOString();
    const added: Transition[] = [];
    const before = this.last;
    if (before?.status !== view.status) {
      added.push({ at: when, kind: 'status', from: before?.status ?? null, to: view.status, ...(view.statusDetails ? { statusDetails: view.statusDetails } : {}) });
    }
    for (const kind of ['task', 'member'] as const) {
      const now = kind === 'task' ? view.tasks : view.members;
      const then = kind === 'task' ? before?.tasks : before?.members;
      for (const [name, status] of Object.entries(now)) {
        if (then?.[name] !== status) added.push({ at: when, kind, name, from: then?.[name] ?? null, to: status });
      }
    }
    this.last = view;
    this.transitions.push(...added);
    return added;
  }

  /** Records that the deployment no longer exists (after a delete). */
  gone(at: Date = new Date()): Transition {
    const t: Transition = { at: at.toISOString(), kind: 'status', from: this.last?.status ?? null, to: 'DELETED' };
    this.transitions.push(t);
    return t;
  }
}
