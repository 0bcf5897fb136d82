// Writes web-test-runner's totals to WTR_COUNTS_FILE so scripts/test.mjs can add them up.
import { writeFileSync } from 'node:fs';

function countSuite(suite, totals) {
  for (const t of suite.tests ?? []) {
    if (t.skipped) totals.skipped++;
    else if (t.passed) totals.passed++;
    else totals.failed++;
  }
  for (const s of suite.suites ?? []) countSuite(s, totals);
}

export function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) countSuite(session.testResults, totals);
        // A file that failed to load has no test results but must not count as green.
        if (!session.passed && (!session.testResults || session.errors?.length)) totals.failed++;
      }
      if (process.env.WTR_COUNTS_FILE) writeFileSync(process.env.WTR_COUNTS_FILE, JSON.stringify(totals));
    },
  };
}
