package dev.meshwork.controlplane.internal.model;

import java.util.List;

/** Istio VirtualService (mesh gateway only). Hosts are normalised service keys. */
public record VirtualService(Source source, List<String> hosts, List<HttpRoute> http) {
  public VirtualService {
    hosts = List.copyOf(hosts);
    http = List.copyOf(http);
  }
}
