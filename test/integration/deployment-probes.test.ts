import { request } from 'undici';
import { byKind } from '../support/deployment-manifests';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** The manifests' probes against a running gateway (the static checks of the manifests: test/unit/deployment-files.test.ts). */
describe('Kubernetes manifests', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('probe the paths the server answers 200 on, on the port the configuration makes it listen on', async () => {
    const container = byKind('Deployment').spec.template.spec.containers[0];
    const port = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(String(port.containerPort)).toBe(byKind('ConfigMap').data!.PORT);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      const answer = await request(new URL(probe.httpGet.path, t.url));
      await answer.body.dump();
      expect(answer.statusCode).toBe(200);
    }
    expect(byKind('Service').spec.ports[0].targetPort).toBe('http');
  });
});
