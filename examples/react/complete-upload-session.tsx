// A React/TS frontend on the gateway: Apollo Client with the generated, typed documents.
// The README shows this file; test/e2e/browser.test.ts bundles it and clicks it in Chromium.
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { CompleteUploadSessionDocument, type CompleteUploadSessionInput } from '../../src/client/generated';

export function createGatewayClient(uri: string): ApolloClient {
  return new ApolloClient({ link: new HttpLink({ uri }), cache: new InMemoryCache() });
}

export function CompleteUploadSessionButton({ session }: { session: CompleteUploadSessionInput }) {
  const [complete, { data, loading, error }] = useMutation(CompleteUploadSessionDocument);
  if (error) return <p role="alert">{error.message}</p>;
  const done = data?.completeUploadSession; // typed: status, stats, files…
  if (done) {
    return (
      <p role="status">
        {done.status}: {done.stats.filesUploaded} file(s), {done.stats.totalBytesUploaded} bytes
      </p>
    );
  }
  return (
    <button disabled={loading} onClick={() => complete({ variables: { input: session } })}>
      Complete upload
    </button>
  );
}
