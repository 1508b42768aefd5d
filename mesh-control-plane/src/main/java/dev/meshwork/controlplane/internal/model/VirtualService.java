package dev.meshwork.controlplane.internal.model;

import java.util.List;

/**
 * Istio VirtualService (mesh gateway only). Hosts are normalised service keys.
 *
 * @param localRateLimit from the {@code ratelimit.meshwork.dev/local} annotation, applied to every
 *     route; null when not annotated
 */
public record VirtualService(Source source, List<String> hosts, List<HttpRoute> http, LocalRateLimit localRateLimit) {
  public VirtualService {
    hosts = List.copyOf(hosts);
    http = List.copyOf(http);
  }
}
