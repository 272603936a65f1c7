/** The operation the developer console opens with: the seed's completion, every field selected. */
export const SANDBOX_DOCUMENT = `mutation CompleteUploadSession($input: CompleteUploadSessionInput!) {
  completeUploadSession(input: $input) {
    id
    status
    isUploadDone
    stats { filesUploaded totalBytesUploaded }
    files { name size uploadedDateTime }
  }
}
`;
