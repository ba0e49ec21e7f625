/** CSS the comparison page adds to the report's stylesheet (reports/html-style.ts). */
export const COMPARE_CSS = `
.ratio-worse { color: #cf222e; font-weight: 600; }
.ratio-better { color: #1a7f37; }
.bars { width: 12rem; }
.bar { height: .45rem; border-radius: .2rem; margin: .12rem 0; min-width: 1px; }
.bar-a { background: #8c959f; }
.bar-b { background: #0969da; }
.legend-a, .legend-b { display: inline-block; width: .8rem; height: .45rem; border-radius: .2rem; margin: 0 .25rem 0 .75rem; }
.legend-a { background: #8c959f; }
.legend-b { background: #0969da; }
.notes li { color: #9a6700; }
.plan-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.plan-sides pre, pre.plan-diff { background: #f6f8fa; padding: .5rem; margin: .25rem 0 1rem; overflow-x: auto; }
.diff-add, .diff-del, .diff-same { display: block; }
.diff-add { background: #dafbe1; }
.diff-del { background: #ffebe9; }
details > summary { cursor: pointer; margin: .5rem 0; }
.ci { width: 10rem; }
.ci-track { position: relative; height: .7rem; background: #f6f8fa; border-radius: .2rem; }
.ci-one { position: absolute; left: 50%; top: 0; bottom: 0; width: 1px; background: #57606a; }
.ci-range { position: absolute; top: .15rem; height: .4rem; border-radius: .2rem; }
.ci-mid { position: absolute; top: 0; width: 2px; height: .7rem; background: #24292f; }
.ci-worse { background: #cf222e; }
.ci-better { background: #1a7f37; }
.ci-same { background: #8c959f; }
@media print { details { display: block; } details > summary { display: none; } }
`;
