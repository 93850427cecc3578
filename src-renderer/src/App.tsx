// The app shell: rail, the current screen, a status bar, the engine-restart notice, and the theme.
import { useEffect } from 'react';
import type { AppSettings } from '../../src-shared/contract';
import { Rail } from './components/Rail';
import { StatusBar } from './components/StatusBar';
import { ComparePage } from './pages/ComparePage';
import { ExportPage } from './pages/ExportPage';
import { LoadTestPage } from './pages/LoadTestPage';
import { ModelsPage } from './pages/ModelsPage';
import { RolloutsPage } from './pages/RolloutsPage';
import { ServePage } from './pages/ServePage';
import { SettingsPage } from './pages/SettingsPage';
import { VersionPage } from './pages/VersionPage';
import { useRoute } from './router';
import { useApp } from './store/appStore';

/** Applies the chosen theme, or the OS's (kept in step while it changes) when the setting follows the system. */
function useTheme(theme: AppSettings['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') {
      root.dataset.theme = theme;
      return;
    }
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const follow = () => (root.dataset.theme = query.matches ? 'dark' : 'light');
    follow();
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [theme]);
}

export function App() {
  const route = useRoute();
  const restarted = useApp((s) => s.engineRestarted);
  const dismiss = useApp((s) => s.dismissRestart);
  useTheme(useApp((s) => s.settings?.theme));

  return (
    <div className="app">
      <Rail route={route} />
      <main className="content" id="main">
        {restarted && (
          <div className="notice" role="alert">
            The engine stopped unexpectedly and was restarted; the endpoint needs starting again if it was serving.
            <button type="button" onClick={dismiss}>
              Dismiss
            </button>
          </div>
        )}
        {route.page === 'models' && <ModelsPage />}
        {route.page === 'version' && <VersionPage name={route.name} version={route.version} />}
        {route.page === 'serve' && <ServePage />}
        {route.page === 'settings' && <SettingsPage />}
        {route.page === 'load-test' && <LoadTestPage view={route.view} />}
        {route.page === 'compare' && <ComparePage view={route.view} />}
        {route.page === 'rollouts' && <RolloutsPage />}
        {route.page === 'export' && <ExportPage />}
      </main>
      <StatusBar />
    </div>
  );
}
