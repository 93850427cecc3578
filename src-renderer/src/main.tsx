// Renderer entry. The screens talk to the engine only through the control API (DESIGN.md §1), which the
// desktop issue adds; until then nothing loads this page, and it renders only the app's name.
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(<h1>Slipway</h1>);
