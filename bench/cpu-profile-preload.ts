// Loaded into the gateway with NODE_OPTIONS=--require: Node 20 refuses --cpu-prof in NODE_OPTIONS, and
// bin/gateway (the one place the gateway's node flags are written) takes no extra flags. The profiler starts
// on SIGUSR2, so that start-up and warm-up stay out of the profile, and the profile is written into
// bench-results/profiles/ when the process exits.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths';

const session = new Session();
session.connect();
session.post('Profiler.enable');

let started = false;
process.on('SIGUSR2', () => {
  if (started) return;
  started = true;
  session.post('Profiler.start');
});

// An in-process inspector session answers synchronously, so the profile can be taken in `exit`.
process.on('exit', () => {
  if (!started) return;
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const dir = join(RESULTS_DIR, 'profiles');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `upload-gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
