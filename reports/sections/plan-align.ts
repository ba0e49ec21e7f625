import { type PlanShapeNode, describeNode } from '../../checks/plan-shape.js';

export type PlanChange = 'same' | 'changed' | 'added' | 'removed';

/** Two plan trees walked together: each aligned node holds the node of either side, or both. */
export interface AlignedPlanNode {
  change: PlanChange;
  pre?: PlanShapeNode;
  post?: PlanShapeNode;
  children: AlignedPlanNode[];
}

/**
 * Aligns the plan before with the plan after. Nodes at the same place are paired; a pair is
 * `changed` when anything `describeNode` shows differs (node type, relation, index, join type,
 * strategy, subplan, CTE or function). Among siblings, identical nodes are matched first (longest
 * common subsequence), so an inserted or dropped subtree is `added` or `removed` as a whole
 * instead of shifting every sibling after it; the rest pair up in order as changed nodes.
 */
export function alignPlans(pre: PlanShapeNode | undefined, post: PlanShapeNode | undefined): AlignedPlanNode | undefined {
  if (!pre && !post) return undefined;
  if (!post) return oneSide(pre as PlanShapeNode, 'removed');
  if (!pre) return oneSide(post, 'added');
  return {
    change: describeNode(pre) === describeNode(post) ? 'same' : 'changed',
    pre,
    post,
    children: alignChildren(pre.children ?? [], post.children ?? []),
  };
}

function oneSide(node: PlanShapeNode, change: 'added' | 'removed'): AlignedPlanNode {
  const side = change === 'added' ? { post: node } : { pre: node };
  return { change, ...side, children: (node.children ?? []).map((c) => oneSide(c, change)) };
}

function alignChildren(a: PlanShapeNode[], b: PlanShapeNode[]): AlignedPlanNode[] {
  const keyA = a.map(describeNode);
  const keyB = b.map(describeNode);
  const n = a.length;
  const m = b.length;
  // common[i][j]: longest common subsequence of keyA[i..] and keyB[j..].
  const common = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i]![j] = keyA[i] === keyB[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: AlignedPlanNode[] = [];
  // Unmatched nodes between two matches: paired in order as changed, the surplus added or removed.
  let gapA: PlanShapeNode[] = [];
  let gapB: PlanShapeNode[] = [];
  const flush = () => {
    const width = Math.max(gapA.length, gapB.length);
    for (let k = 0; k < width; k++) out.push(alignPlans(gapA[k], gapB[k]) as AlignedPlanNode);
    gapA = [];
    gapB = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && keyA[i] === keyB[j]) {
      flush();
      out.push(alignPlans(a[i], b[j]) as AlignedPlanNode);
      i++;
      j++;
    } else if (j >= m || (i < n && common[i + 1]![j]! >= common[i]![j + 1]!)) gapA.push(a[i++]!);
    else gapB.push(b[j++]!);
  }
  flush();
  return out;
}

/** Counts the aligned nodes by change, for a summary line. */
export function countChanges(node: AlignedPlanNode | undefined): Record<PlanChange, number> {
  const counts: Record<PlanChange, number> = { same: 0, changed: 0, added: 0, removed: 0 };
  const walk = (x: AlignedPlanNode) => {
    counts[x.change]++;
    x.children.forEach(walk);
  };
  if (node) walk(node);
  return counts;
}
