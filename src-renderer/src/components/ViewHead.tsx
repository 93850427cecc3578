// The head of one stored thing's view (a run, a comparison, a dataset): the way back to its list, its title,
// a line on what it is, and its actions on the right.
import type { ReactNode } from 'react';

export interface ViewHeadProps {
  /** The list it belongs to. */
  back: { href: string; label: string };
  title: ReactNode;
  titleTestId: string;
  /** The line under the title. */
  summary: ReactNode;
  actions?: ReactNode;
}

export function ViewHead({ back, title, titleTestId, summary, actions }: ViewHeadProps) {
  return (
    <div className="run-head">
      <div>
        <p className="breadcrumb">
          <a href={back.href}>{back.label}</a> /
        </p>
        <h2 className="run-title" data-testid={titleTestId}>
          {title}
        </h2>
        <p className="muted">{summary}</p>
      </div>
      {actions && <div className="push-right">{actions}</div>}
    </div>
  );
}
