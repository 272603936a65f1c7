/**
 * The one request every variant is measured with: the seed mutation, `completeUploadSession` selecting every
 * field, and the answer the lean upstream gives to its PATCH.
 */
export const KEY = {
  catalogId: '73eb2497-3b88-4c0a-8bb3-68ba8162beff',
  resourceId: '99ab2454-3b88-4c0a-8bb3-68ba8162beff',
  uploadSessionId: '23f27c15-72f9-45fe-9e9c-e3d8f75bdc44',
} as const;

/** Graph's beta path of the session, below the base URL. */
export const SESSION_PATH =
  `/identityGovernance/entitlementManagement/accessPackageCatalogs/${KEY.catalogId}` +
  `/accessPackageResources/${KEY.resourceId}/uploadSessions/${KEY.uploadSessionId}`;

export const UPSTREAM_BASE_PATH = '/beta';
export const PATCH_BODY = '{"isUploadDone":true}';
export const AUTHORIZATION = 'Bearer bench-token';

const MUTATION = `mutation CompleteUploadSession($input: CompleteUploadSessionInput!) {
  completeUploadSession(input: $input) {
    id catalogId resourceId status isUploadDone referenceId createdDateTime expirationDateTime
    stats { filesUploaded totalBytesUploaded }
    files { id name size uploadedDateTime }
    reviewContext { kind reviewDefinitionId reviewInstanceId }
  }
}`;

export const GRAPHQL_BODY = JSON.stringify({ query: MUTATION, operationName: 'CompleteUploadSession', variables: { input: KEY } });

// The documentation's older shape: capitalised status, files inline. Inline files keep every variant at
// exactly one upstream call per mutation.
export const UPSTREAM_SESSION = JSON.stringify({
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#customDataProvidedResourceUploadSession',
  id: KEY.uploadSessionId,
  status: 'Complete',
  isUploadDone: true,
  referenceId: 'a1b5f2a4-6c2f-4f2e-9a8b-3c4d5e6f7a8b',
  createdDateTime: '2025-10-10T19:43:09.9125236Z',
  expirationDateTime: '2025-10-11T19:43:09.9125236Z',
  stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
  files: [{ name: 'building-a-access.csv', size: 2000000, uploadedDateTime: '2025-10-10T19:50:12.3456789Z' }],
});

/** What a correct server answers to the mutation: `data.completeUploadSession`, in any key order. */
export const EXPECTED_SESSION = {
  id: KEY.uploadSessionId,
  catalogId: KEY.catalogId,
  resourceId: KEY.resourceId,
  status: 'COMPLETE',
  isUploadDone: true,
  referenceId: 'a1b5f2a4-6c2f-4f2e-9a8b-3c4d5e6f7a8b',
  createdDateTime: '2025-10-10T19:43:09.912Z',
  expirationDateTime: '2025-10-11T19:43:09.912Z',
  stats: { filesUploaded: 1, totalBytesUploaded: 2000000 },
  files: [{ id: null, name: 'building-a-access.csv', size: 2000000, uploadedDateTime: '2025-10-10T19:50:12.345Z' }],
  reviewContext: null,
};
