package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Message;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import dev.meshwork.core.internal.xds.ResourceParser;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RDS: RouteConfiguration to {@link RouteModel.RouteConfig}, virtual hosts and routes in order.
 *
 * <p>A route must forward (RouteAction): redirect, direct_response, filter_action and
 * non_forwarding_action make the resource invalid, since a client has nothing to answer them
 * with. Domains must be unique across virtual hosts (Envoy's rule, so the router's choice is
 * unambiguous). Header manipulation, CORS, virtual clusters and rate-limit actions are ignored.
 * Stateless and thread-safe.
 */
public final class RouteConfigParser implements ResourceParser<RouteModel.RouteConfig> {
  public static final String TYPE_URL = Protos.TYPE_PREFIX + RouteConfiguration.getDescriptor().getFullName();

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public Class<? extends Message> protoClass() {
    return RouteConfiguration.class;
  }

  @Override
  public String name(Message resource) {
    return ((RouteConfiguration) resource).getName();
  }

  @Override
  public RouteModel.RouteConfig parse(Message resource) throws InvalidResourceException {
    if (!(resource instanceof RouteConfiguration rc)) {
      throw new InvalidResourceException("route_config: expected RouteConfiguration, got " + resource.getDescriptorForType().getFullName());
    }
    try {
      return routeConfig(rc);
    } catch (BadField e) {
      throw new InvalidResourceException(e.render("route_config", rc.getName()));
    }
  }

  /** Also used for a listener's inline route_config; throws {@link BadField} relative to {@code rc}. */
  static RouteModel.RouteConfig routeConfig(RouteConfiguration rc) {
    if (rc.hasVhds()) {
      throw new BadField("vhds", "is not supported");
    }
    PerFilterConfigs.Overrides top = PerFilterConfigs.parse(rc.getTypedPerFilterConfigMap());
    List<RouteModel.Mirror> topMirrors = RouteActionParser.mirrors(rc.getRequestMirrorPoliciesList(), "request_mirror_policies");
    Map<String, String> domainOwners = new HashMap<>();
    List<RouteModel.VirtualHost> hosts = new ArrayList<>();
    for (int i = 0; i < rc.getVirtualHostsCount(); i++) {
      VirtualHost vh = rc.getVirtualHosts(i);
      hosts.add(at("virtual_hosts[" + i + "]", () -> virtualHost(vh, top, topMirrors, domainOwners)));
    }
    return new RouteModel.RouteConfig(rc.getName(), hosts);
  }

  private static RouteModel.VirtualHost virtualHost(VirtualHost vh, PerFilterConfigs.Overrides top,
      List<RouteModel.Mirror> topMirrors, Map<String, String> domainOwners) {
    if (vh.getDomainsCount() == 0) {
      throw new BadField("domains", "is empty (expected: at least one domain)");
    }
    for (int j = 0; j < vh.getDomainsCount(); j++) {
      String domain = vh.getDomains(j).toLowerCase(Locale.ROOT);
      if (domain.isEmpty()) {
        throw new BadField("domains[" + j + "]", "is empty");
      }
      String owner = domainOwners.putIfAbsent(domain, vh.getName());
      if (owner != null) {
        throw new BadField("domains[" + j + "]", Protos.quote(domain) + " is also a domain of virtual host " + owner
            + " (domains must be unique)");
      }
    }
    PerFilterConfigs.Overrides scope = PerFilterConfigs.parse(vh.getTypedPerFilterConfigMap()).over(top);
    RouteModel.Retry retry = vh.hasRetryPolicy() ? at("retry_policy", () -> RetryPolicyParser.retry(vh.getRetryPolicy())) : null;
    if (!vh.hasRetryPolicy() && vh.hasRetryPolicyTypedConfig()) {
      throw new BadField("retry_policy_typed_config", "is not supported");
    }
    List<RouteModel.Mirror> mirrors = vh.getRequestMirrorPoliciesCount() > 0
        ? RouteActionParser.mirrors(vh.getRequestMirrorPoliciesList(), "request_mirror_policies")
        : topMirrors;
    List<RouteModel.Route> routes = new ArrayList<>();
    for (int k = 0; k < vh.getRoutesCount(); k++) {
      Route r = vh.getRoutes(k);
      routes.add(at("routes[" + k + "]", () -> route(r, scope, retry, mirrors)));
    }
    return new RouteModel.VirtualHost(vh.getName(), vh.getDomainsList(), routes);
  }

  private static RouteModel.Route route(Route r, PerFilterConfigs.Overrides scope, RouteModel.Retry retry,
      List<RouteModel.Mirror> mirrors) {
    if (!r.hasMatch()) {
      throw new BadField("match", "is missing");
    }
    var match = at("match", () -> RouteMatchParser.match(r.getMatch()));
    RouteModel.Action action = switch (r.getActionCase()) {
      case ROUTE -> at("route", () -> RouteActionParser.action(r.getRoute(), retry, mirrors));
      case REDIRECT -> throw new BadField("redirect", "is not supported by a client (expected: route)");
      case DIRECT_RESPONSE -> throw new BadField("direct_response", "is not supported by a client (expected: route)");
      case FILTER_ACTION -> throw new BadField("filter_action", "is not supported by a client (expected: route)");
      case NON_FORWARDING_ACTION -> throw new BadField("non_forwarding_action", "is not supported by a client (expected: route)");
      case ACTION_NOT_SET -> throw new BadField("", "has no action (expected: route)");
    };
    PerFilterConfigs.Overrides own = PerFilterConfigs.parse(r.getTypedPerFilterConfigMap()).over(scope);
    return new RouteModel.Route(r.getName(), match, action, own.fault(), own.rateLimit());
  }
}
