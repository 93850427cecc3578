// A scrolling table of rows with a header line of columns: the stored lists (runs, comparisons, datasets) and
// the served versions. Number columns align right; a hidden column keeps its name for screen readers only.
import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** Right-aligned figures. */
  num?: boolean;
  /** Named for screen readers only (a column of checkboxes or row actions). */
  hidden?: boolean;
}

export interface DataTableProps {
  /** Plain column names, or columns with options. */
  columns: readonly (string | Column)[];
  /** Read by screen readers only. */
  caption?: string;
  className?: string;
  testId: string;
  /** The rows. */
  children: ReactNode;
}

export function DataTable({ columns, caption, className, testId, children }: DataTableProps) {
  return (
    <div className="table-scroll">
      <table className={className} data-testid={testId}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => {
              const { label, num, hidden }: Column = typeof column === 'string' ? { label: column } : column;
              return (
                <th key={label} scope="col" className={num ? 'num' : undefined}>
                  {hidden ? <span className="visually-hidden">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
