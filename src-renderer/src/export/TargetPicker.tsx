// The target checkboxes, one line each on what the target is; KServe brings the Triton repository it reads.
import { BUNDLE_TARGETS } from '../../../src-shared/contract';
import { TARGET_WORDS } from './targetWords';
import { useExportUi } from './exportUi';

export function TargetPicker() {
  const targets = useExportUi((s) => s.targets);
  const setTarget = useExportUi((s) => s.setTarget);
  return (
    <fieldset className="export-targets">
      <legend>Targets</legend>
      {BUNDLE_TARGETS.map((target) => {
        const implied = target === 'triton' && targets.kserve;
        const words = TARGET_WORDS[target];
        return (
          <div className="export-target" key={target}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={targets[target] || implied}
                disabled={implied}
                onChange={(e) => setTarget(target, e.target.checked)}
                aria-describedby={`export-target-${target}-line`}
                data-testid={`export-target-${target}`}
              />{' '}
              {words.label}
              {implied && <span className="muted"> (KServe reads it)</span>}
            </label>
            <p className="muted" id={`export-target-${target}-line`}>
              {words.line}
            </p>
          </div>
        );
      })}
    </fieldset>
  );
}
