export { classifyError, type ErrorClass } from './error-class.js';
export { outageWindows, type AttemptOutcome, type OutageWindow } from './outages.js';
export { ProbeLane, type ProbeLaneOptions } from './probe-lane.js';
