/** What the landing page hands the browser console: JSON in the element with OPTIONS_ELEMENT_ID. */
export interface GraphiqlOptions {
  /** The operation the query editor opens with. */
  document: string;
  variables: Record<string, unknown>;
}

export const OPTIONS_ELEMENT_ID = 'graphiql-options';

/** The element GraphiQL renders into. */
export const ROOT_ELEMENT_ID = 'graphiql';
