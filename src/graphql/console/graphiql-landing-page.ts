import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPTIONS_ELEMENT_ID, ROOT_ELEMENT_ID, type GraphiqlOptions } from '../../graphiql/options';

/** The bundled console (src/graphiql/entry.tsx), as `npm run build` writes it. */
export interface GraphiqlAssets {
  js: string;
  css: string;
}

/**
 * dist/graphiql under the package root: this file sits three levels below the root both as
 * src/graphql/console/*.ts (tests) and as dist/graphql/console/*.js (the built gateway).
 */
export const GRAPHIQL_ASSETS_DIRECTORY = join(__dirname, '..', '..', '..', 'dist', 'graphiql');

/** Reads the bundle once at start-up; a gateway asked for GraphiQL without it must not start. */
export function readGraphiqlAssets(directory: string = GRAPHIQL_ASSETS_DIRECTORY): GraphiqlAssets {
  try {
    return {
      js: readFileSync(join(directory, 'graphiql.js'), 'utf8'),
      css: readFileSync(join(directory, 'graphiql.css'), 'utf8'),
    };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`GraphiQL's bundle is missing from ${directory} (${reason}): run npm run build`);
  }
}

/**
 * GraphiQL's page with the whole console inlined: it works where no CDN is reachable, and needs no route
 * of its own.
 */
export function graphiqlPage(options: GraphiqlOptions, { js, css }: GraphiqlAssets): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL</title>
<style>body { margin: 0; } #${ROOT_ELEMENT_ID} { height: 100vh; }</style>
<style>${inlined(css, 'style')}</style>
</head>
<body>
<div id="${ROOT_ELEMENT_ID}"></div>
<script id="${OPTIONS_ELEMENT_ID}" type="application/json">${JSON.stringify(options).replace(/</g, '\\u003c')}</script>
<script>${inlined(js, 'script')}</script>
</body>
</html>
`;
}

/**
 * A closing tag inside the inlined text would end its element early. `<\/` means `</` wherever it can
 * appear in JavaScript (strings, templates, regular expressions, comments) and in CSS (strings).
 */
function inlined(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}
