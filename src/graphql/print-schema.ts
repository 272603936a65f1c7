import { writeFileSync } from 'node:fs';
import { printGatewaySchema } from './schema';

/** `npm run schema:print`: writes the sorted schema to ./schema.graphql (a test fails when it drifts). */
writeFileSync('schema.graphql', printGatewaySchema());
process.stdout.write('wrote schema.graphql\n');
