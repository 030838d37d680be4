import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startLocale } from './i18n/index.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

// The words come first, so that the first page shows in the chosen language rather than in
// English for a moment: the app is imported only once the language is chosen and its words fetched.
await startLocale();
const { App } = await import('./app.js');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
