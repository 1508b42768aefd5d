package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The RBAC HTTP filters of a gRPC server listener, as istiod's grpcgen builds them: a DENY filter
 * ({@code envoy.filters.http.rbac.DENY}) and then an ALLOW filter ({@code envoy.filters.http.rbac})
 * before the router, one RBAC policy per rule named {@code <namespace>-<name>-<rule index>}.
 *
 * <p>Selection follows Istio: policies of the workload's namespace and of the root namespace
 * ({@code istio-system}, every namespace), whose {@code selector.matchLabels} are a subset of the
 * workload's labels (an empty selector selects all). Deny wins (its filter runs first). No ALLOW
 * policy selecting the workload allows everything; an ALLOW policy without rules allows nothing:
 * unlike istiod's grpcgen, which then emits no filter, Meshwork emits an ALLOW filter with no
 * policies, which denies every request, as Istio's reference says.
 */
final class AuthorizationFilters {
  static final String ALLOW_FILTER = "envoy.filters.http.rbac";
  static final String DENY_FILTER = "envoy.filters.http.rbac.DENY";

  private AuthorizationFilters() {}

  static List<HttpFilter> filters(List<AuthorizationPolicy> policies, String namespace, Map<String, String> labels,
      String trustDomain) {
    RBAC.Builder deny = RBAC.newBuilder().setAction(RBAC.Action.DENY);
    RBAC.Builder allow = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
    boolean anyAllow = false;
    for (AuthorizationPolicy ap : policies) {
      if (!selects(ap, namespace, labels)) {
        continue;
      }
      RBAC.Builder target = ap.action() == AuthorizationPolicy.Action.DENY ? deny : allow;
      anyAllow |= ap.action() == AuthorizationPolicy.Action.ALLOW;
      for (int i = 0; i < ap.rules().size(); i++) {
        target.putPolicies(ap.namespace() + "-" + ap.source().name() + "-" + i, RbacRules.policy(ap.rules().get(i), trustDomain));
      }
    }
    List<HttpFilter> out = new ArrayList<>();
    if (deny.getPoliciesCount() > 0) {
      out.add(filter(DENY_FILTER, deny.build()));
    }
    if (anyAllow) {
      out.add(filter(ALLOW_FILTER, allow.build()));
    }
    return out;
  }

  static boolean selects(AuthorizationPolicy ap, String namespace, Map<String, String> labels) {
    boolean inScope = ap.namespace().equals(namespace) || MeshConfig.ROOT_NAMESPACE.equals(ap.namespace());
    return inScope && labels.entrySet().containsAll(ap.selector().entrySet());
  }

  private static HttpFilter filter(String name, RBAC rules) {
    var config = io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setRules(rules).build();
    return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }
}
