// "What will be written": every planned file with its target, what it is and its size (when known ahead), and
// the plan's notes on what the manifest will carry or lack.
import type { ExportPlan } from '../../../src-shared/contract';
import { formatBytes } from '../../../src-shared/units';
import { TARGET_WORDS } from './targetWords';

export function PlanTable({ plan, stale }: { plan: ExportPlan; stale: boolean }) {
  const known = plan.files.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
  return (
    <div className={stale ? 'export-plan stale' : 'export-plan'} aria-busy={stale} data-testid="export-plan">
      <p>
        Into <code data-testid="export-plan-outdir">{plan.outDir}</code>
        {plan.archive && (
          <>
            {' '}
            and <code data-testid="export-plan-archive">{plan.archive}</code>
          </>
        )}
      </p>
      <table aria-label="Files the export will write">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Target</th>
            <th scope="col">What it is</th>
            <th scope="col" className="num">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {plan.files.map((f) => (
            <tr key={f.path}>
              <td>
                <code>{f.path}</code>
              </td>
              <td>{f.target ? TARGET_WORDS[f.target].label : 'all'}</td>
              <td>{f.description}</td>
              <td className="num">{f.bytes === null ? 'made on export' : formatBytes(f.bytes)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>
              {plan.files.length} files; sizes known ahead add up to {formatBytes(known)}
            </td>
            <td />
          </tr>
        </tfoot>
      </table>
      {plan.notes.length > 0 && (
        <ul className="export-notes" aria-label="Plan notes" data-testid="export-plan-notes">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
