import { Metrics } from '../../src/metrics';

const text = async (metrics: Metrics) => metrics.registry.metrics();

describe('counts kept between scrapes', () => {
  it('reach the registry when it is read, by label set, and keep adding up across reads', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.graphRequests.inc({ method: 'PATCH', status: '200' });
    metrics.graphRequests.inc({ status: '200', method: 'PATCH' }); // the same labels in another order
    metrics.graphRequests.inc({ method: 'GET', status: '404' }, 3);
    metrics.graphThrottles.inc();
    const first = await text(metrics);
    expect(first).toContain('gateway_graph_requests_total{method="PATCH",status="200"} 2');
    expect(first).toContain('gateway_graph_requests_total{method="GET",status="404"} 3');
    expect(first).toContain('gateway_graph_throttled_total 1');

    metrics.graphRequests.inc({ method: 'PATCH', status: '200' });
    const second = await text(metrics);
    expect(second).toContain('gateway_graph_requests_total{method="PATCH",status="200"} 3');
    expect(second).toContain('gateway_graph_requests_total{method="GET",status="404"} 3');
  });

  it('read the attempts in flight per host as they are at the scrape', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const host = metrics.graphInFlight.labels({ host: 'graph.test' });
    host.inc();
    host.inc();
    expect(await text(metrics)).toContain('gateway_graph_requests_in_flight{host="graph.test"} 2');
    host.dec();
    host.dec();
    expect(await text(metrics)).toContain('gateway_graph_requests_in_flight{host="graph.test"} 0');
  });
});
