import { describe, expect, it } from 'vitest';
import { movedOutputPaths, upgradeFailureReason } from '../../scenarios/upgrade/pg-upgrade-output.js';

/** pg_upgrade 17's refusal of a reg* column by --check, as it prints it. */
const refused17 = `Performing Consistency Checks on Old Live Server
------------------------------------------------
Checking cluster versions                                     ok
Checking database user is the install user                    ok
Checking data type usage                                      failed check: reg* data types in user tables
Data type checks failed:
Your installation contains one of the reg* data types in user tables.
These data types reference system OIDs that are not preserved by
pg_upgrade, so this cluster cannot currently be upgraded.  You can
drop the problem columns and restart the upgrade.
A list of the problem columns is in the file:
    /data/green/pg_upgrade_output.d/20261205T191335.735/tables_using_reg.txt

Failure, exiting
`;

/** A failed step (not a check): pg_upgrade points at a server log. */
const failedStep = `Restoring database schemas in the new cluster                 
*failure*

Consult the last few lines of "/data/green/pg_upgrade_output.d/x/log/pg_upgrade_dump_5.log" for
the probable cause of the failure.
Failure, exiting
`;

describe("pg_upgrade's reason for failing", () => {
  it("separates a failed check's explanation (detail) from where its list of problem objects is (hint)", async () => {
    const reason = await upgradeFailureReason(refused17);
    expect(reason.short).toMatch(/^reg\* data types in user tables: Your installation contains one of the reg\* data types in user tables\.$/);
    expect(reason.detail).toBe(
      'Your installation contains one of the reg* data types in user tables. These data types reference system OIDs that are not preserved by pg_upgrade, so this cluster cannot currently be upgraded.  You can drop the problem columns and restart the upgrade.',
    );
    expect(reason.hint).toBe('A list of the problem columns is in the file: /data/green/pg_upgrade_output.d/20261205T191335.735/tables_using_reg.txt');
    // Once the log directory moved into the step's artifacts, the hint points there.
    expect(movedOutputPaths(reason.hint ?? '', '/data/green', '/runs/r/steps/1-pg-upgrade/pg_upgrade_output-check')).toBe(
      'A list of the problem columns is in the file: /runs/r/steps/1-pg-upgrade/pg_upgrade_output-check/20261205T191335.735/tables_using_reg.txt',
    );
  });

  it('points at the log of a failed step in the hint', async () => {
    const reason = await upgradeFailureReason(failedStep);
    expect(reason.short).toMatch(/^Restoring database schemas in the new cluster: /);
    expect(reason.hint).toBe('Consult the last few lines of "/data/green/pg_upgrade_output.d/x/log/pg_upgrade_dump_5.log" for the probable cause of the failure.');
    expect(reason.detail).toBeUndefined();
  });
});
