import { severityFilterCss } from './severity-filter.js';

/**
 * The stylesheet of the "what changed" sections, to append to the report's own. It relies on
 * the report's classes (`badge`, `sev-*`, `status-*`, `gate-*`, `muted`, `details`, `num`, `mono`).
 */
export const SECTIONS_CSS = `
.rs-section h3 { font-size: 1.05rem; margin: 1.25rem 0 .35rem; }
.rs-lines div { white-space: pre-wrap; }
.rs-table tr.rs-changed td { background: #fff8c5; }
.rs-table tr.rs-added td { background: #dafbe1; }
.rs-table tr.rs-removed td, .rs-table tr.rs-drop td { background: #ffebe9; }
.rs-table tr.rs-drop td.num:last-child { color: #cf222e; font-weight: 700; }
.rs-all { margin: .5rem 0 1rem; }
.rs-all > summary { cursor: pointer; color: #0969da; }
.rs-soak-note { background: #ddf4ff; border-left: 3px solid #0969da; padding: .4rem .7rem; }
.rs-error > summary { cursor: pointer; font-size: 12px; }
.cd-filter { border: 1px solid #d0d7de; border-radius: .4rem; padding: .3rem .7rem; margin: .5rem 0 1rem; }
.cd-filter label { margin-right: 1rem; cursor: pointer; white-space: nowrap; }
.cd-check { border: 1px solid #d0d7de; border-radius: .4rem; padding: .1rem .8rem .4rem; margin: 0 0 1rem; }
.cd-check h3 { margin-top: .6rem; }
.cd-status { color: #57606a; font-size: 12.5px; }
.cd-status .details { display: inline; margin-left: .3rem; }
.cd-findings td.cd-before, .cd-findings td.cd-after { width: 22%; }
.cd-findings td.cd-before { background: #fff5f5; }
.cd-findings td.cd-after { background: #f0fff4; }
.cd-notes { font-size: 12px; margin-top: .15rem; }
.cd-key { color: #57606a; }
.rs-source { font-size: 12px; margin-left: .4rem; }
.cd-other { font-size: 12.5px; }
.pd-baseline { border: 1px solid #d0d7de; border-radius: .4rem; padding: .1rem .8rem .5rem; margin: 0 0 1rem; }
.pd-baseline-changed { border-color: #9a6700; }
.pd-problems { margin: .3rem 0; }
.pd-figures { width: auto; min-width: 50%; }
.pd-ratio { font-weight: 600; padding: 0 .3rem; border-radius: .3rem; }
.pd-worse { background: #ffebe9; color: #cf222e; }
.pd-better { background: #dafbe1; color: #1a7f37; }
.pd-noise { color: #8c959f; font-weight: 400; }
.pd-footnote { font-size: 12px; margin-top: -.5rem; }
.pd-same-plan > summary { cursor: pointer; color: #57606a; }
.pd-shape-changed { color: #9a6700; font-weight: 600; }
.pd-tree { table-layout: fixed; }
.pd-tree th.pd-mark, .pd-tree td.pd-mark { width: 1.5rem; text-align: center; font-weight: 700; padding: .2rem 0; }
.pd-tree td { padding-top: .2rem; padding-bottom: .2rem; }
.pd-tree td.pd-node { padding-left: calc(.5rem + var(--pd-depth, 0) * 1.4rem); overflow-wrap: anywhere; }
.pd-arrow { color: #57606a; }
.pd-tree tr.pd-changed td { background: #fff8c5; }
.pd-tree tr.pd-added td.pd-node:not(.pd-empty), .pd-tree tr.pd-added td.pd-mark { background: #dafbe1; }
.pd-tree tr.pd-removed td.pd-node:not(.pd-empty), .pd-tree tr.pd-removed td.pd-mark { background: #ffebe9; }
.pd-sql pre { white-space: pre-wrap; margin: .3rem 0; }
.pd-sql > summary { cursor: pointer; color: #0969da; }
@media print {
  .cd-filter { display: none; }
  .rs-section tr, .pd-baseline, .cd-check { break-inside: avoid; }
  .rs-section td, .pd-ratio { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
${severityFilterCss()}
`;
