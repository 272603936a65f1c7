// Document transform: `__typename` in every selection set, as Apollo Client and urql add it before sending.
// With it already there they send the generated text unchanged, so it matches the persisted-documents manifest.
module.exports = require('@graphql-codegen/client-preset').addTypenameSelectionDocumentTransform;
