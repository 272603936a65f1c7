// Mounts the example; test/e2e/browser.test.ts bundles this with esbuild and sets window.app from its page.
import { ApolloProvider } from '@apollo/client/react';
import { createRoot } from 'react-dom/client';
import { CompleteUploadSessionButton, createGatewayClient } from './complete-upload-session';

const { gatewayUrl, session } = (window as unknown as { app: { gatewayUrl: string; session: { catalogId: string; resourceId: string; uploadSessionId: string } } }).app;
createRoot(document.getElementById('root')!).render(
  <ApolloProvider client={createGatewayClient(gatewayUrl)}>
    <CompleteUploadSessionButton session={session} />
  </ApolloProvider>,
);
