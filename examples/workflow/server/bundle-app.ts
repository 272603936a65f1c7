import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The page, its script and its style: all the browser ever loads. */
export interface AppFiles {
  html: string;
  js: string;
  css: string;
}

/**
 * Bundles the React app in memory (React, the generated client and graphql's printer included), so
 * nothing is fetched from a CDN and nothing is written to disk. `root` is the project's root.
 */
export async function bundleApp(root: string): Promise<AppFiles> {
  const appDir = join(root, 'examples/workflow/app');
  const [bundle, html, css] = await Promise.all([
    build({
      entryPoints: [join(appDir, 'main.tsx')],
      tsconfig: join(root, 'examples/tsconfig.json'),
      bundle: true,
      write: false,
      format: 'iife',
      jsx: 'automatic',
      target: 'es2022',
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    }),
    readFile(join(appDir, 'index.html'), 'utf8'),
    readFile(join(appDir, 'app.css'), 'utf8'),
  ]);
  return { html, js: bundle.outputFiles[0]!.text, css };
}
