import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig: production operation settings', () => {
  it('defaults to one process, no tracing and only the built-in redaction', () => {
    expect(loadConfig({})).toMatchObject({ server: { workers: 1 }, observability: { otlpEndpoint: undefined, logRedact: [] } });
  });

  it('reads WORKERS as a count or auto', () => {
    expect(loadConfig({ WORKERS: '4' }).server.workers).toBe(4);
    expect(loadConfig({ WORKERS: 'auto' }).server.workers).toBe(availableParallelism());
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/WORKERS/);
  });

  it('reads OTEL_EXPORTER_OTLP_ENDPOINT as an http(s) URL', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).observability.otlpEndpoint?.href).toBe('http://127.0.0.1:4318/');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(ConfigError);
  });

  it('splits LOG_REDACT into paths', () => {
    expect(loadConfig({ LOG_REDACT: ' *.headers["x-api-key"] , secret ,' }).observability.logRedact).toEqual(['*.headers["x-api-key"]', 'secret']);
  });
});
