import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { printGatewaySchema } from '../../src/graphql/schema/schema';
import { printSubgraph } from '../../src/graphql/schema/subgraph-schema';

describe('committed artifacts', () => {
  it('schema.graphql is the printed schema (run `npm run schema:print`)', () => {
    expect(readFileSync('schema.graphql', 'utf8')).toBe(printGatewaySchema());
  });

  it('subgraph.graphql is the printed federation subgraph SDL (run `npm run schema:print`)', () => {
    expect(readFileSync('subgraph.graphql', 'utf8')).toBe(printSubgraph());
  });

  it('the generated client is what codegen makes of it (run `npm run codegen`)', () => {
    const outputs = JSON.parse(execFileSync(process.execPath, ['test/support/codegen-outputs.js'], { encoding: 'utf8' })) as {
      filename: string;
      content: string;
    }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(readFileSync(output.filename, 'utf8')).toBe(output.content);
  });

  it("docs/frontend.md's React snippet is examples/react/complete-upload-session.tsx, which the browser test runs", () => {
    const example = readFileSync('examples/react/complete-upload-session.tsx', 'utf8').replace(/^(\/\/.*\n)+/, '');
    const snippet = /```tsx\n([\s\S]*?)```/.exec(readFileSync('docs/frontend.md', 'utf8'))?.[1];
    expect(snippet).toBe(example);
  });
});
