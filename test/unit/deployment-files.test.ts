import { constants, accessSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { byKind, manifests, MANIFESTS, ROOT } from '../support/deployment-manifests';

/** bin/gateway's `exec node …` command, continuation lines joined: the one place the V8 flags are written. */
function gatewayScript(): { command: string; flags: string[]; entry: string } {
  const text = readFileSync(join(ROOT, 'bin', 'gateway'), 'utf8').replace(/\s*\\\n\s*/g, ' ');
  const exec = /^exec (\S+)((?: --\S+)*) (.+?)\s*$/m.exec(text);
  expect(exec).not.toBeNull();
  return { command: exec![1]!, flags: exec![2]!.trim().split(' '), entry: exec![3]! };
}

function dockerfile(): { instruction: string; args: string }[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      return { instruction: instruction!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Kubernetes manifests', () => {
  it('parse, and kustomization lists every manifest file but the Secret’s example (applied empty, it would blank credentials set another way)', () => {
    const kinds = manifests().map((m) => m.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Kustomization', 'PodDisruptionBudget', 'Secret', 'Service']);
    const listed = (byKind('Kustomization') as unknown as { resources: string[] }).resources.sort();
    const applied = readdirSync(MANIFESTS).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.endsWith('.example.yaml'));
    expect(listed).toEqual(applied.sort());
    expect(listed).not.toContain('secret.example.yaml');
  });

  it('give load balancers a preStop pause, then the drain, inside the termination grace period', () => {
    const pod = byKind('Deployment').spec.template.spec;
    const container = pod.containers[0];
    const pause = Number(container.lifecycle.preStop.exec.command[1]);
    expect(container.lifecycle.preStop.exec.command[0]).toBe('sleep');
    expect(pause).toBeGreaterThan(0);
    const drainSeconds = Number(byKind('ConfigMap').data!.SHUTDOWN_GRACE_MS) / 1000;
    expect(pause + drainSeconds).toBeLessThan(pod.terminationGracePeriodSeconds);
  });

  it('run as non-root with resources, config from the ConfigMap and Secret, a PDB and an HPA on the Deployment', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.envFrom).toEqual([
      { configMapRef: { name: byKind('ConfigMap').metadata.name } },
      { secretRef: { name: byKind('Secret').metadata.name, optional: true } },
    ]);
    const selector = deployment.spec.selector.matchLabels;
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(selector);
    expect(byKind('Service').spec.selector).toEqual(selector);
    expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(byKind('PodDisruptionBudget').spec.minAvailable).toBeLessThanOrEqual(byKind('HorizontalPodAutoscaler').spec.minReplicas - 1);
  });

  it('take REDIS_URL from the Secret (empty: each pod on its own memory), never from the ConfigMap', () => {
    expect(byKind('Secret').stringData).toHaveProperty('REDIS_URL', '');
    expect(byKind('ConfigMap').data).not.toHaveProperty('REDIS_URL');
    expect(loadConfig({ GRAPH_AUTH: 'passthrough', ...byKind('ConfigMap').data, ...byKind('Secret').stringData }).sharedState.redisUrl).toBeUndefined();
  });

  it('carry no secret values in the repository', () => {
    expect(Object.values(byKind('Secret').stringData ?? {}).every((value) => value === '')).toBe(true);
  });
});

describe('Dockerfile', () => {
  const lines = dockerfile();
  const stages = lines.filter((l) => l.instruction === 'FROM');
  const finalStage = lines.slice(lines.lastIndexOf(stages[stages.length - 1]!));

  it('is multi-stage, and the runtime stage installs nothing and holds only production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.instruction === 'RUN' && l.args.includes('npm ci --omit=dev'))).toBe(true);
    expect(finalStage.filter((l) => l.instruction === 'RUN')).toEqual([]);
    expect(finalStage.some((l) => l.instruction === 'ENV' && /NODE_ENV=production/.test(l.args))).toBe(true);
  });

  it('runs the built entry point as a non-root user, exposes the configured port, and health-checks /healthz', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string; scripts: { start: string } };
    const user = finalStage.filter((l) => l.instruction === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user!.args.split(':')[0]);
    // The container runs what `npm start` runs: bin/gateway, exec'd so node is PID 1 and gets SIGTERM.
    const workdir = finalStage.filter((l) => l.instruction === 'WORKDIR').at(-1)!.args;
    expect(JSON.parse(finalStage.find((l) => l.instruction === 'CMD')!.args)).toEqual([`${workdir}/bin/gateway`]);
    expect(finalStage).toContainEqual({ instruction: 'COPY', args: 'bin ./bin' });
    expect(pkg.scripts.start).toBe('exec bin/gateway');
    expect(finalStage.find((l) => l.instruction === 'EXPOSE')?.args).toBe(byKind('ConfigMap').data!.PORT);
    const healthcheck = finalStage.find((l) => l.instruction === 'HEALTHCHECK')!.args;
    expect(healthcheck).toContain('/healthz');
    expect(JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3))[0]).toBe('node');
  });

  it('keeps bin/ in the build context, and dependencies, builds and secrets out of it', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.env', '.git']) expect(ignored).toContain(entry);
    expect(ignored.filter((entry) => /^\/?bin\b/.test(entry))).toEqual([]);
  });
});

describe('bin/gateway', () => {
  it('is an executable POSIX sh script that execs node on the package entry point', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(() => accessSync(join(ROOT, 'bin', 'gateway'), constants.X_OK)).not.toThrow();
    expect(readFileSync(join(ROOT, 'bin', 'gateway'), 'utf8').split('\n')[0]).toBe('#!/bin/sh');
    const { command, entry } = gatewayScript();
    expect(command).toBe('node');
    expect(entry).toBe(`"$(dirname "$0")/../${pkg.main}"`);
  });

  it('holds the V8 flags, the ones docs/performance.md explains, written nowhere else', () => {
    const { flags } = gatewayScript();
    expect(flags).toEqual(expect.arrayContaining(['--single-threaded-gc', '--max-old-space-size=96']));
    const performance = readFileSync(join(ROOT, 'docs', 'performance.md'), 'utf8');
    const explained = [...performance.matchAll(/^- `(--[^`]+)`:/gm)].map((match) => match[1]);
    expect(explained).toEqual(flags);
    for (const file of ['package.json', 'Dockerfile']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const flag of flags) expect(text).not.toContain(flag);
    }
  });
});
