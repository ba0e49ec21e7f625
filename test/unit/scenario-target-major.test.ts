import { describe, expect, it } from 'vitest';
import { scenarioTargetMajor } from '../../scenarios/runner/scenario-target-major.js';
import { scenarioSchema } from '../../scenarios/scenario-types.js';

const scenario = (over: Record<string, unknown>) => scenarioSchema.parse({ name: 's', blue: { provider: 'embedded', version: '15' }, steps: [{ action: 'wait', duration: 1 }], ...over });

describe('scenarioTargetMajor', () => {
  it("is green's major for a blue/green scenario", async () => {
    expect(await scenarioTargetMajor(scenario({ green: { provider: 'embedded', version: '17' } }))).toBe(17);
  });

  // Regression (issue 13): the docs' minor scenario had no green, so 18 was judged.
  it("is blue's own major for an in-place scenario (a minor restart)", async () => {
    const minor = scenario({ blue: { provider: 'embedded', version: '16.4' }, steps: [{ action: 'minor-restart', to: '16' }] });
    expect(await scenarioTargetMajor(minor)).toBe(16);
  });

  it('is unknown for external servers and for a bindir that is not an installation', async () => {
    expect(await scenarioTargetMajor(scenario({ blue: { provider: 'external', url: 'postgresql://x@127.0.0.1/app' } }))).toBeUndefined();
    expect(await scenarioTargetMajor(scenario({ green: { provider: 'bindir', bindir: '/nonexistent/bin' } }))).toBeUndefined();
  });
});
