package dev.meshwork.benchmarks;

/** The Istio YAML the benchmarks run against. */
final class Configs {
  private Configs() {}

  /**
   * The per-request-path config: a header route and a default route split 90/10 over two subsets,
   * retries with a per-try timeout, a route timeout; subsets, round robin, circuit-breaker limits
   * and outlier detection on the DestinationRule.
   */
  static String reviews(String host) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: %1$s
        spec:
          host: %1$s
          trafficPolicy:
            loadBalancer:
              simple: ROUND_ROBIN
            connectionPool:
              http:
                http1MaxPendingRequests: 1024
                http2MaxRequests: 1024
            outlierDetection:
              consecutive5xxErrors: 5
              interval: 10s
              baseEjectionTime: 30s
              maxEjectionPercent: 50
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %1$s
        spec:
          hosts: [%1$s]
          http:
          - match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: %1$s, subset: v2}
          - route:
            - destination: {host: %1$s, subset: v1}
              weight: 90
            - destination: {host: %1$s, subset: v2}
              weight: 10
            timeout: 5s
            retries:
              attempts: 2
              perTryTimeout: 2s
              retryOn: 5xx,connect-failure,reset
        """.formatted(host);
  }
}
