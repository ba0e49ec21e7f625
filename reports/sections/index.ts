/**
 * The report's "what changed" sections, rendered from a run's findings and its two snapshots:
 * each returns an HTML string with everything from a database escaped, and SECTIONS_CSS styles them.
 */
export { checkDiffSectionHtml } from './check-diff.js';
export { extensionsSectionHtml } from './extensions-section.js';
export { extensionUpdatesSectionHtml } from './extension-updates-section.js';
export { settingsSectionHtml } from './settings-section.js';
export { rowCountsSectionHtml, type RowCountsSectionOptions } from './row-counts-section.js';
export { planDiffsSectionHtml } from './plan-diffs-section.js';
export { alignPlans, countChanges, type AlignedPlanNode, type PlanChange } from './plan-align.js';
export { DEFAULT_TIME_RATIO, betterBelow, ratioOf, ratioClass } from './ratio.js';
export { SECTIONS_CSS } from './sections-style.js';
export { cloudwatchSectionHtml } from './cloudwatch-section.js';
export { dataSectionHtml, dataSectionMarkdown, dataRecordTitle } from './data-section.js';
