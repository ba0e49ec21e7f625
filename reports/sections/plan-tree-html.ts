import { describeNode } from '../../checks/plan-shape.js';
import { escapeHtml as h } from '../escape.js';
import type { AlignedPlanNode, PlanChange } from './plan-align.js';

const MARKS: Record<PlanChange, { mark: string; title: string }> = {
  same: { mark: '', title: '' },
  changed: { mark: '~', title: 'changed' },
  added: { mark: '+', title: 'added after' },
  removed: { mark: '−', title: 'removed after' },
};

/**
 * Two aligned plan trees side by side, one row per aligned node, indented by depth like EXPLAIN's
 * text format: before on the left, after on the right, and between them a mark (`~` changed,
 * `+` added, `−` removed) besides the row's colour, so the difference survives a grey printout.
 */
export function planTreeHtml(root: AlignedPlanNode, labels: { before: string; after: string } = { before: 'Plan before', after: 'Plan after' }): string {
  const rows: string[] = [];
  const walk = (node: AlignedPlanNode, depth: number) => {
    const { mark, title } = MARKS[node.change];
    const cell = (side: 'pre' | 'post') => {
      const n = node[side];
      if (!n) return '<td class="pd-node pd-empty"></td>';
      const arrow = depth > 0 ? '<span class="pd-arrow">→ </span>' : '';
      return `<td class="pd-node" style="--pd-depth: ${depth}">${arrow}${h(describeNode(n))}</td>`;
    };
    rows.push(
      `<tr class="pd-row pd-${node.change}">${cell('pre')}<td class="pd-mark"${title ? ` title="${h(title)}"` : ''}>${h(mark)}</td>${cell('post')}</tr>`,
    );
    node.children.forEach((c) => walk(c, depth + 1));
  };
  walk(root, 0);
  return `<table class="pd-tree mono">
<thead><tr><th>${h(labels.before)}</th><th class="pd-mark"></th><th>${h(labels.after)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}
