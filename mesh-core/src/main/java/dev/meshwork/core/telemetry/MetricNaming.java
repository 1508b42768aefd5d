package dev.meshwork.core.telemetry;

/** Which names and labels request metrics carry; several may be on at once. */
public enum MetricNaming {
  /**
   * OpenTelemetry semantic conventions: {@code http.client.request.duration},
   * {@code http.server.request.duration}, {@code rpc.client.duration}, {@code rpc.server.duration}
   * (histograms) with {@code http.*} / {@code rpc.*} attributes, plus Meshwork's {@code mesh.*}
   * tags (source, destination, route, subset, retried).
   */
  OPENTELEMETRY,
  /**
   * Istio's standard metrics, so Kiali and Grafana's Istio dashboards show proxyless workloads:
   * {@code istio_requests_total} and {@code istio_request_duration_milliseconds} with
   * {@code reporter}, {@code source_workload}, {@code destination_service}, {@code destination_version},
   * {@code response_code}, {@code response_flags}… (Prometheus names).
   */
  ISTIO
}
