// Types of tools/test-report.mjs (a plain script: `npm test` runs before anything is compiled).
export interface SkippedTest {
  file: string;
  name: string;
  reason: string;
}
export function skippedTests(report: unknown, root?: string): SkippedTest[];
export function countsLine(report: unknown): string;
