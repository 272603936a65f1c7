import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphiqlPage, readGraphiqlAssets } from '../../src/graphql/console/graphiql-landing-page';

/** The text of every element of the page, as an HTML parser would split it at `</script` and `</style`. */
function elements(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`<${name}[^>]*>([\\s\\S]*?)</${name}`, 'gi'))].map((match) => match[1]!);
}

it('keeps closing tags in the inlined bundle, stylesheet and operation from ending their elements', () => {
  const html = graphiqlPage(
    { document: 'query Q { a } # </script><script>alert(1)</script>', variables: { note: '</SCRIPT>' } },
    { js: 'const s = "</script>"; const t = `</Script>`; // </script>\n', css: '.a::after { content: "</style>"; }' },
  );
  const [options, script] = elements(html, 'script');
  expect(JSON.parse(options!)).toEqual({ document: 'query Q { a } # </script><script>alert(1)</script>', variables: { note: '</SCRIPT>' } });
  // The same program: `<\/` is `</` inside a JavaScript string or template.
  expect(new Function(`${script}; return [s, t];`)()).toEqual(['</script>', '</Script>']);
  expect(elements(html, 'style')[1]).toBe('.a::after { content: "<\\/style>"; }');
});

it('refuses to start without the bundle, naming the directory and the fix', () => {
  const empty = mkdtempSync(join(tmpdir(), 'graphiql-assets-'));
  try {
    expect(() => readGraphiqlAssets(empty)).toThrow(`GraphiQL's bundle is missing from ${empty} (ENOENT): run npm run build`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
