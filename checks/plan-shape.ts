/**
 * The shape of a query plan: what the planner chose (node types, relations, indexes, join types
 * and order, the parent/child structure), without what it estimated or measured (costs, rows,
 * times, workers) and without labels whose wording changes between majors (PostgreSQL 15 prints
 * `InitPlan 1 (returns $0)` where 17 prints `InitPlan 1`). Two plans with the same shape access
 * the data the same way.
 */
export interface PlanShapeNode {
  /** The node as EXPLAIN's text format names it: `Parallel Seq Scan`, `Finalize Aggregate`. */
  node: string;
  /** `schema.table` when the plan was VERBOSE, else the table name. */
  relation?: string;
  index?: string;
  /** Join type of a join node: Inner, Left, Semi, Anti... */
  join?: string;
  /** Aggregate or SetOp strategy: Plain, Sorted, Hashed, Mixed. */
  strategy?: string;
  /**
   * How the node hangs under its parent when not as an ordinary input: `InitPlan`, `SubPlan`, or
   * `CTE name`. Snapshots written before cutover normalised it hold EXPLAIN's own label
   * (`InitPlan 1 (returns $0)`); `subplanKind` reads both.
   */
  subplan?: string;
  cte?: string;
  function?: string;
  children: PlanShapeNode[];
}

/** A node of EXPLAIN (FORMAT JSON)'s `Plan`, as far as the shape reads it. */
export type JsonPlanNode = Record<string, unknown> & { Plans?: JsonPlanNode[] };

function text(node: JsonPlanNode, key: string): string | undefined {
  const value = node[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reduces an EXPLAIN JSON plan node (and its children, in order) to its shape. */
export function planShape(plan: JsonPlanNode): PlanShapeNode {
  let node = text(plan, 'Node Type') ?? 'Unknown';
  const partial = text(plan, 'Partial Mode');
  if (partial && partial !== 'Simple') node = `${partial} ${node}`;
  if (plan['Parallel Aware'] === true) node = `Parallel ${node}`;
  if (text(plan, 'Scan Direction') === 'Backward') node = `${node} Backward`;
  const relationName = text(plan, 'Relation Name');
  const schema = text(plan, 'Schema');
  const shape: PlanShapeNode = { node, children: (plan.Plans ?? []).map(planShape) };
  if (relationName) shape.relation = schema ? `${schema}.${relationName}` : relationName;
  const optional: [keyof PlanShapeNode, string][] = [
    ['index', 'Index Name'],
    ['join', 'Join Type'],
    ['strategy', 'Strategy'],
    ['subplan', 'Subplan Name'],
    ['cte', 'CTE Name'],
    ['function', 'Function Name'],
  ];
  for (const [field, key] of optional) {
    const value = text(plan, key);
    if (value) (shape as unknown as Record<string, string>)[field] = field === 'subplan' ? subplanKind(value) : value;
  }
  return shape;
}

/**
 * The kind of an InitPlan/SubPlan/CTE label, without the wording that changes between majors:
 * `InitPlan 1 (returns $0)` (up to 16) and `InitPlan 1` (17 on) are both `InitPlan`, `hashed
 * SubPlan 2` is `SubPlan`, `CTE recent` stays `CTE recent` (the name is the user's). The number
 * is dropped too: it only counts subplans in the order the planner made them, while the node's
 * place in the tree already says which one it is.
 */
export function subplanKind(label: string): string {
  const cte = /^CTE\s+(.+)$/.exec(label.trim());
  if (cte) return `CTE ${cte[1]}`;
  const kind = /\b(InitPlan|SubPlan)\b/i.exec(label);
  if (kind) return kind[1]?.toLowerCase() === 'initplan' ? 'InitPlan' : 'SubPlan';
  return label.replace(/\s*\(returns[^)]*\)\s*$/, '').trim();
}

/** One line for a node: `Hash Join (Inner)`, `Nested Loop (Anti)`, `Index Scan using orders_pkey on orders`. */
export function describeNode(n: PlanShapeNode): string {
  let line = n.subplan ? `${subplanKind(n.subplan)}: ${n.node}` : n.node;
  if (n.join) line += ` (${n.join})`;
  if (n.strategy && n.strategy !== 'Plain') line += ` [${n.strategy}]`;
  if (n.index) line += ` using ${n.index}`;
  if (n.relation) line += ` on ${n.relation}`;
  if (n.cte) line += ` on CTE ${n.cte}`;
  if (n.function) line += ` on function ${n.function}`;
  return line;
}

/** The shape as indented lines, outer child before inner, like EXPLAIN's text format. */
export function formatShape(shape: PlanShapeNode, depth = 0): string[] {
  const prefix = depth === 0 ? '' : `${'  '.repeat(depth - 1)}-> `;
  return [`${prefix}${describeNode(shape)}`, ...shape.children.flatMap((c) => formatShape(c, depth + 1))];
}

/**
 * Whether two shapes are the same plan: the same tree of node types, relations, indexes, join
 * types, strategies and subplan kinds, children in the same order.
 */
export function sameShape(a: PlanShapeNode, b: PlanShapeNode): boolean {
  const left = formatShape(a);
  const right = formatShape(b);
  return left.length === right.length && left.every((line, i) => line === right[i]);
}
