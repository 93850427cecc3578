// The one-sentence verdict of a drift report, with the rule that decided it (the share of drifted features,
// or features still significant after Holm's correction), shared by the CLI, the HTML report and the UI.
import type { DriftReport } from './contract/drift';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function driftVerdict(report: DriftReport): { drifted: boolean; text: string } {
  const { driftedFeatures, driftedShare, options } = report;
  const total = report.features.length;
  const share = `${driftedFeatures} of ${total} features drifted (${pct(driftedShare)})`;
  const alpha = options.familyWiseAlpha;
  if (!report.datasetDrift) {
    const holm = alpha === null ? '' : `, and no feature is significant after Holm's correction at α ${alpha}`;
    return {
      drifted: false,
      text: `no dataset drift: ${share}; drift needs ≥ ${pct(options.datasetDriftShare)}${holm}`,
    };
  }
  if (report.datasetDriftReason === 'familyWise') {
    return {
      drifted: true,
      text:
        `dataset drift: ${report.familyWiseDrifted} of ${total} features stay significant after Holm's correction ` +
        `(family-wise α ${alpha}); ${share}, below the ${pct(options.datasetDriftShare)} share rule`,
    };
  }
  return { drifted: true, text: `dataset drift: ${share}, at least ${pct(options.datasetDriftShare)}` };
}
