/**
 * Translation of the config model and the live registry into Envoy xDS v3 resources: entry point
 * {@link dev.meshwork.controlplane.internal.xds.XdsTranslator}, result
 * {@link dev.meshwork.controlplane.internal.xds.XdsResources}, wire names
 * {@link dev.meshwork.controlplane.internal.xds.XdsNames}.
 *
 * <p>Semantics follow istiod's output for the same Istio resources; the resources are also shaped
 * for grpc-java's xDS client, which reads only part of Envoy's API. Where gRPC cannot express
 * Istio's meaning the output says it twice (Envoy's fields and the nearest field gRPC reads), and
 * the class that does it documents the gap:
 *
 * <ul>
 *   <li>timeouts: also in max_stream_duration ({@code RouteTranslator});
 *   <li>least-request and random balancing: typed load_balancing_policy list; random becomes round
 *       robin in gRPC ({@code LoadBalancingPolicies});
 *   <li>consecutive-error ejection: restated as failure-percentage ejection ({@code OutlierDetections});
 *   <li>source-IP hashing: also hashes gRPC's channel id ({@code HashPolicies}).
 * </ul>
 *
 * <p>Meshwork additions that gRPC skips by design: request mirror policies (gRPC has no
 * mirroring), the local rate limit filter and its per-route configs (marked optional so gRPC
 * ignores them instead of NACKing; {@code RateLimitTranslator}) and the retry budget every cluster
 * gets ({@code ClusterTranslator}; gRPC reads only max_requests).
 *
 * <p>Known gaps with no workaround on the wire: gRPC ignores per_try_timeout, retry host
 * predicates, cookie hashing and treat_missing_header_as_empty (so a {@code withoutHeaders} value
 * match does not match gRPC calls lacking the header), and it cannot match {@code :method}
 * (every gRPC call is a POST).
 */
package dev.meshwork.controlplane.internal.xds;
