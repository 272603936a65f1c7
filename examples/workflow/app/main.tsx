import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { WorkflowApp } from './workflow-app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WorkflowApp />
  </StrictMode>,
);
