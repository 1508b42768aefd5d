/**
 * xDS resource parsers: Listener, RouteConfiguration, Cluster and ClusterLoadAssignment protos to
 * the {@link dev.meshwork.core.internal.model} records, one {@link
 * dev.meshwork.core.internal.xds.ResourceParser} per type. Stateless and thread-safe. They read
 * what our control plane's translators emit and standard Envoy xDS (istiod's output included),
 * apply Envoy's defaults, and reject what a client cannot honour with a message naming the
 * resource and the field path, e.g. {@code cluster outbound|80||reviews: lb_policy
 * CLUSTER_PROVIDED is not supported}. Settings that only tune a proxy (stats, header
 * manipulation, TLS, health checks) are ignored; settings that would change which requests match,
 * retry or fault are rejected rather than ignored.
 */
package dev.meshwork.core.internal.model.parse;
