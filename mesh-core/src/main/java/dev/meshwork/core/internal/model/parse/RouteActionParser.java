package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import dev.meshwork.core.internal.model.RouteModel;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Envoy RouteAction to {@link RouteModel.Action}. Rewrites are rejected (we send requests
 * unchanged, so a rewrite would reach the wrong path or host); settings that only tune Envoy's own
 * proxying (upgrade configs, internal redirects, max_stream_duration, which only gRPC reads) are
 * ignored.
 */
final class RouteActionParser {
  /** Envoy's route timeout when route.timeout is unset (Istio always sets it, 0s by default). */
  static final Duration ENVOY_DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private RouteActionParser() {}

  /**
   * @param inheritedRetry the virtual host's retry policy, used when the route has none (Envoy)
   * @param inheritedMirrors the virtual host's (or route configuration's) mirror policies, likewise
   */
  static RouteModel.Action action(RouteAction a, RouteModel.Retry inheritedRetry, List<RouteModel.Mirror> inheritedMirrors) {
    List<RouteModel.WeightedCluster> clusters = switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        if (a.getCluster().isEmpty()) {
          throw new BadField("cluster", "is empty");
        }
        yield List.of(new RouteModel.WeightedCluster(a.getCluster(), 1));
      }
      case WEIGHTED_CLUSTERS -> at("weighted_clusters", () -> weighted(a.getWeightedClusters()));
      case CLUSTER_HEADER -> throw new BadField("cluster_header", "is not supported");
      case CLUSTER_SPECIFIER_PLUGIN -> throw new BadField("cluster_specifier_plugin", "is not supported");
      case INLINE_CLUSTER_SPECIFIER_PLUGIN -> throw new BadField("inline_cluster_specifier_plugin", "is not supported");
      case CLUSTERSPECIFIER_NOT_SET -> throw new BadField("", "names no cluster (expected: cluster or weighted_clusters)");
    };
    int total = clusters.stream().mapToInt(RouteModel.WeightedCluster::weight).sum();
    rejectRewrites(a);
    Duration timeout = a.hasTimeout() ? at("timeout", () -> Protos.duration(a.getTimeout())) : ENVOY_DEFAULT_TIMEOUT;
    RouteModel.Retry retry = inheritedRetry;
    if (a.hasRetryPolicy()) {
      retry = at("retry_policy", () -> RetryPolicyParser.retry(a.getRetryPolicy()));
    } else if (a.hasRetryPolicyTypedConfig()) {
      throw new BadField("retry_policy_typed_config", "is not supported");
    }
    List<RouteModel.HashPolicy> hash = new ArrayList<>();
    for (int i = 0; i < a.getHashPolicyCount(); i++) {
      int index = i;
      RouteModel.HashPolicy p = at("hash_policy[" + i + "]", () -> hashPolicy(a.getHashPolicy(index)));
      if (p != null) {
        hash.add(p);
      }
    }
    List<RouteModel.Mirror> mirrors = a.getRequestMirrorPoliciesCount() > 0
        ? mirrors(a.getRequestMirrorPoliciesList(), "request_mirror_policies")
        : inheritedMirrors;
    return new RouteModel.Action(clusters, total, timeout, retry, hash, mirrors);
  }

  private static List<RouteModel.WeightedCluster> weighted(WeightedCluster w) {
    List<RouteModel.WeightedCluster> out = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < w.getClustersCount(); i++) {
      WeightedCluster.ClusterWeight c = w.getClusters(i);
      String at = "clusters[" + i + "]";
      if (!c.getClusterHeader().isEmpty()) {
        throw new BadField(at + ".cluster_header", "is not supported");
      }
      if (c.getName().isEmpty()) {
        throw new BadField(at + ".name", "is empty");
      }
      // Unset weight reads 0, as gRPC does; such a cluster is never picked.
      int weight = c.hasWeight() ? BadField.at(at + ".weight", () -> Protos.uint32AsInt(c.getWeight().getValue())) : 0;
      total += weight;
      out.add(new RouteModel.WeightedCluster(c.getName(), weight));
    }
    if (out.isEmpty()) {
      throw new BadField("clusters", "is empty");
    }
    if (total == 0) {
      throw new BadField("clusters", "weights sum to 0 (expected: > 0)");
    }
    if (total > Integer.MAX_VALUE) {
      throw new BadField("clusters", "weights sum to " + total + " (expected: <= " + Integer.MAX_VALUE + ")");
    }
    return out;
  }

  private static void rejectRewrites(RouteAction a) {
    if (!a.getPrefixRewrite().isEmpty()) {
      throw new BadField("prefix_rewrite", "is not supported");
    }
    if (a.hasRegexRewrite()) {
      throw new BadField("regex_rewrite", "is not supported");
    }
    if (a.hasPathRewritePolicy()) {
      throw new BadField("path_rewrite_policy", "is not supported");
    }
    switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL -> throw new BadField("host_rewrite_literal", "is not supported");
      case AUTO_HOST_REWRITE -> {
        if (a.getAutoHostRewrite().getValue()) {
          throw new BadField("auto_host_rewrite", "is not supported");
        }
      }
      case HOST_REWRITE_HEADER -> throw new BadField("host_rewrite_header", "is not supported");
      case HOST_REWRITE_PATH_REGEX -> throw new BadField("host_rewrite_path_regex", "is not supported");
      case HOSTREWRITESPECIFIER_NOT_SET -> { }
    }
  }

  /**
   * Null for policies we skip: filter_state (gRPC's {@code io.grpc.channel_id} and any other key;
   * we have no filter state, so Envoy would find none either), query_parameter (not in the model;
   * the request then hashes on the remaining policies or at random), and source_ip: false.
   */
  static RouteModel.HashPolicy hashPolicy(RouteAction.HashPolicy p) {
    boolean terminal = p.getTerminal();
    return switch (p.getPolicySpecifierCase()) {
      case HEADER -> {
        RouteAction.HashPolicy.Header h = p.getHeader();
        if (h.getHeaderName().isEmpty()) {
          throw new BadField("header.header_name", "is empty");
        }
        if (h.hasRegexRewrite()) {
          throw new BadField("header.regex_rewrite", "is not supported");
        }
        yield new RouteModel.HashPolicy(h.getHeaderName().toLowerCase(Locale.ROOT), null, false, terminal);
      }
      case COOKIE -> {
        if (p.getCookie().getName().isEmpty()) {
          throw new BadField("cookie.name", "is empty");
        }
        yield new RouteModel.HashPolicy(null, p.getCookie().getName(), false, terminal);
      }
      case CONNECTION_PROPERTIES -> p.getConnectionProperties().getSourceIp()
          ? new RouteModel.HashPolicy(null, null, true, terminal)
          : null;
      case FILTER_STATE, QUERY_PARAMETER -> null;
      case POLICYSPECIFIER_NOT_SET -> throw new BadField("", "has no policy (expected: header, cookie, connection_properties, query_parameter or filter_state)");
    };
  }

  /** request_mirror_policies; an unset runtime_fraction mirrors every request. */
  static List<RouteModel.Mirror> mirrors(List<RouteAction.RequestMirrorPolicy> policies, String field) {
    List<RouteModel.Mirror> out = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      RouteAction.RequestMirrorPolicy m = policies.get(i);
      String at = field + "[" + i + "]";
      if (!m.getClusterHeader().isEmpty()) {
        throw new BadField(at + ".cluster_header", "is not supported");
      }
      if (m.getCluster().isEmpty()) {
        throw new BadField(at + ".cluster", "is empty");
      }
      int perMillion = BadField.at(at + ".runtime_fraction",
          () -> Protos.perMillion(m.getRuntimeFraction(), m.hasRuntimeFraction(), Protos.MILLION));
      out.add(new RouteModel.Mirror(m.getCluster(), perMillion));
    }
    return out;
  }
}
