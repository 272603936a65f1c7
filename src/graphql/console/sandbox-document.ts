/**
 * The operation the developer console opens with: a read of the seeded session, every field selected. A read,
 * so a first click changes nothing: the seed has one session, and completing it is final.
 */
export const SANDBOX_DOCUMENT = `query UploadSession($catalogId: ID!, $resourceId: ID!, $uploadSessionId: ID!) {
  uploadSession(catalogId: $catalogId, resourceId: $resourceId, uploadSessionId: $uploadSessionId) {
    id
    status
    isUploadDone
    referenceId
    stats { filesUploaded totalBytesUploaded }
    files { name size uploadedDateTime }
    createdDateTime
    expirationDateTime
  }
}
`;
