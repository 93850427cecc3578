// Renderer entry: find the engine (desktop preload or web-mode token), connect the store, render the app.
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { ApiClient } from './api/client';
import { findConnection } from './api/connection';
import { App } from './App';
import { useApp } from './store/appStore';

const root = createRoot(document.getElementById('root')!);
const connection = findConnection();
if (!connection) {
  root.render(
    <main className="page" role="alert">
      <h1>Slipway</h1>
      <p>
        This page needs the address Slipway printed at launch (it carries an access token). Open that address, or
        restart with `npm run web`.
      </p>
    </main>,
  );
} else {
  useApp.getState().connect(new ApiClient(connection));
  root.render(<App />);
}
