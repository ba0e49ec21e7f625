import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';

/** A duration parameter of a step: `30s`, `5m`, `1m30s`, `250ms`, or a number of milliseconds. */
export function durationParam(limits: { minMs?: number; maxMs?: number } = {}) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    try {
      return parseDuration('duration', String(value), { minMs: 0, ...limits });
    } catch (error) {
      // parseDuration's message starts with the option name; the step's error names the field already.
      ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^duration: /, '') });
      return z.NEVER;
    }
  })
    // Marks the parameter as a duration for the generated reference (docs/reference/actions.md),
    // which shows its default in the same notation instead of milliseconds.
    .meta({ format: 'duration' });
}
