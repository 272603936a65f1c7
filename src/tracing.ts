// Only types are imported statically: with no OTLP endpoint, no OpenTelemetry code is loaded at all.
import type { Span, SpanStatusCode as SpanStatusCodes, Tracer } from '@opentelemetry/api';

/** One GraphQL operation's span; Graph attempts become its children. */
export interface OperationTrace {
  readonly traceId: string;
  /** Starts a child span for one Graph attempt; its `traceparent` goes to Graph as a header. */
  graphAttempt(method: string, path: string, attempt: number): GraphAttemptTrace;
  /** Names and ends the span; later calls do nothing. */
  end(operation: string, code: string): void;
}

export interface GraphAttemptTrace {
  readonly traceparent: string;
  end(status: number | undefined, requestId: string | undefined): void;
}

export interface Tracing {
  /** `traceparent` is the caller's W3C header, if any: the operation joins the caller's trace. */
  startOperation(traceparent: string | undefined): OperationTrace;
  /** Sends what is buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts exporting spans over OTLP/HTTP to `endpoint` (OTEL_EXPORTER_OTLP_ENDPOINT, traces at
 * `/v1/traces` as the OTLP spec says). Spans are made by hand at the two places that matter (the
 * operation and each Graph attempt) instead of by auto-instrumentation, which would patch http and
 * undici for every request whether or not anyone looks.
 */
export async function startTracing(endpoint: URL, serviceName: string): Promise<Tracing> {
  const { api, provider, tracer, propagator } = await loadExporter(endpoint, serviceName);
  const { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, defaultTextMapGetter, defaultTextMapSetter } = api;
  const ERROR: SpanStatusCodes = SpanStatusCode.ERROR;

  return {
    startOperation(traceparent) {
      const parent = traceparent ? propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter) : ROOT_CONTEXT;
      const span: Span = tracer.startSpan('graphql.operation', { kind: SpanKind.SERVER }, parent);
      const context = trace.setSpan(ROOT_CONTEXT, span);
      let ended = false;
      return {
        traceId: span.spanContext().traceId,
        graphAttempt(method, path, attempt) {
          const child = tracer.startSpan(
            `graph ${method}`,
            { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.path': path, 'graph.attempt': attempt } },
            context,
          );
          const carrier: Record<string, string> = {};
          propagator.inject(trace.setSpan(ROOT_CONTEXT, child), carrier, defaultTextMapSetter);
          return {
            traceparent: carrier.traceparent!,
            end(status, requestId) {
              if (status !== undefined) child.setAttribute('http.response.status_code', status);
              if (requestId) child.setAttribute('graph.request_id', requestId);
              if (status === undefined || status >= 400) child.setStatus({ code: ERROR });
              child.end();
            },
          };
        },
        end(operation, code) {
          if (ended) return;
          ended = true;
          span.updateName(operation);
          span.setAttribute('graphql.operation.name', operation);
          span.setAttribute('graphql.outcome', code);
          if (code !== 'OK') span.setStatus({ code: ERROR, message: code });
          span.end();
        },
      };
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

/** Loads OpenTelemetry (only now: see the imports) and makes the provider that batches spans to `endpoint`. */
async function loadExporter(endpoint: URL, serviceName: string) {
  const [api, core, sdk, exporter, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new sdk.BatchSpanProcessor(new exporter.OTLPTraceExporter({ url: url.href }))],
  });
  const tracer: Tracer = provider.getTracer('upload-session-gateway');
  return { api, provider, tracer, propagator: new core.W3CTraceContextPropagator() };
}
