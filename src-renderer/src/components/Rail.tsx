// The left rail: one link per screen, the current one marked for screen readers too.
import type { Route } from '../router';

const ITEMS: { href: string; label: string; match: (r: Route) => boolean }[] = [
  { href: '#/models', label: 'Models', match: (r) => r.page === 'models' || r.page === 'version' },
  { href: '#/serve', label: 'Serve', match: (r) => r.page === 'serve' },
  { href: '#/load-test', label: 'Load test', match: (r) => r.page === 'load-test' },
  { href: '#/compare', label: 'Compare', match: (r) => r.page === 'compare' },
  { href: '#/rollouts', label: 'Rollouts', match: (r) => r.page === 'rollouts' },
  { href: '#/export', label: 'Export', match: (r) => r.page === 'export' },
  { href: '#/settings', label: 'Settings', match: (r) => r.page === 'settings' },
];

export function Rail({ route }: { route: Route }) {
  return (
    <nav className="rail" aria-label="Screens">
      <div className="brand">Slipway</div>
      <ul>
        {ITEMS.map((item) => {
          const current = item.match(route);
          return (
            <li key={item.href}>
              <a
                href={item.href}
                className={current ? 'current' : undefined}
                aria-current={current ? 'page' : undefined}
              >
                {item.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
