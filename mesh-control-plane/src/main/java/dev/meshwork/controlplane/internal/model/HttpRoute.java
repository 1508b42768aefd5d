package dev.meshwork.controlplane.internal.model;

import java.time.Duration;
import java.util.List;

/**
 * Istio HTTPRoute. An empty {@code match} list matches everything.
 *
 * @param timeout null means Istio's default (no timeout)
 * @param retries null means Istio's default retry policy applies
 * @param fault null when no fault is injected
 * @param mirrors request mirrors in YAML order ({@code mirror} first, then {@code mirrors}); empty for none
 */
public record HttpRoute(
    String name, List<HttpMatch> match, List<Destination> route, Duration timeout, Retries retries, Fault fault,
    List<Mirror> mirrors) {
  public HttpRoute {
    match = List.copyOf(match);
    route = List.copyOf(route);
    mirrors = List.copyOf(mirrors);
  }
}
