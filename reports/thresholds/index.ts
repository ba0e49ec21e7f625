export { evaluateThresholds, type ThresholdResult } from './evaluate-thresholds.js';
export { thresholdLines, crossedReason, type ThresholdPaint } from './threshold-lines.js';
export { timelineFigures, latencyOf, wantedPercentiles } from './timeline-figures.js';
export type { ThresholdFigures, ChangeFigure } from './threshold-figures.js';
export { parseThresholds, parseThreshold, type ThresholdExpression } from '../../core/threshold-expression.js';
export { baselineThresholds } from './baseline-thresholds.js';
