import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SignedInApp } from './signed-in-app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SignedInApp />
  </StrictMode>,
);
