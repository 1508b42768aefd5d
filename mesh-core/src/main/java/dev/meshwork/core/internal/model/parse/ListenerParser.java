package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Message;
import dev.meshwork.core.internal.model.RouteModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import dev.meshwork.core.internal.xds.ResourceParser;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;

/**
 * LDS: a client-side Listener (api_listener holding an HttpConnectionManager, the shape gRPC and
 * istiod use for proxyless clients) to {@link RouteModel.ListenerConfig}.
 *
 * <p>Routes come by RDS over ADS (or {@code self}) or inline. Filters are identified by their
 * typed_config type, as gRPC does: the fault and local rate limit filters are ours, the router
 * must come last, any other filter makes the listener invalid unless it is {@code is_optional}.
 * Stateless and thread-safe.
 */
public final class ListenerParser implements ResourceParser<RouteModel.ListenerConfig> {
  public static final String TYPE_URL = Protos.TYPE_PREFIX + Listener.getDescriptor().getFullName();
  static final String HCM_TYPE = HttpConnectionManager.getDescriptor().getFullName();
  static final String ROUTER_TYPE = Router.getDescriptor().getFullName();

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public Class<? extends Message> protoClass() {
    return Listener.class;
  }

  @Override
  public String name(Message resource) {
    return ((Listener) resource).getName();
  }

  @Override
  public RouteModel.ListenerConfig parse(Message resource) throws InvalidResourceException {
    if (!(resource instanceof Listener l)) {
      throw new InvalidResourceException("listener: expected Listener, got " + resource.getDescriptorForType().getFullName());
    }
    try {
      if (!l.hasApiListener() || !l.getApiListener().hasApiListener()) {
        throw new BadField("api_listener", "is missing (expected: a client-side HttpConnectionManager api_listener)");
      }
      return at("api_listener.api_listener", () -> connectionManager(l.getName(), l.getApiListener().getApiListener()));
    } catch (BadField e) {
      throw new InvalidResourceException(e.render("listener", l.getName()));
    }
  }

  private static RouteModel.ListenerConfig connectionManager(String name, com.google.protobuf.Any any) {
    String type = Protos.typeName(any);
    if (!type.equals(HCM_TYPE)) {
      throw new BadField("", "has type " + type + " (expected: " + HCM_TYPE + ")");
    }
    HttpConnectionManager hcm = Protos.unpack(any, HttpConnectionManager.class);
    String routeConfigName;
    RouteModel.RouteConfig inline = null;
    switch (hcm.getRouteSpecifierCase()) {
      case RDS -> {
        routeConfigName = hcm.getRds().getRouteConfigName();
        if (routeConfigName.isEmpty()) {
          throw new BadField("rds.route_config_name", "is empty");
        }
        ConfigSource source = hcm.getRds().getConfigSource();
        if (!source.hasAds() && !source.hasSelf()) {
          throw new BadField("rds.config_source", "is " + source.getConfigSourceSpecifierCase() + " (expected: ads or self)");
        }
      }
      case ROUTE_CONFIG -> {
        inline = at("route_config", () -> RouteConfigParser.routeConfig(hcm.getRouteConfig()));
        routeConfigName = inline.name();
      }
      case SCOPED_ROUTES -> throw new BadField("scoped_routes", "is not supported (expected: rds or route_config)");
      default -> throw new BadField("", "has no route_specifier (expected: rds or route_config)");
    }
    Filters filters = new Filters();
    for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
      HttpFilter f = hcm.getHttpFilters(i);
      boolean last = i == hcm.getHttpFiltersCount() - 1;
      BadField.check("http_filters[" + i + "]", () -> filters.add(f, last));
    }
    if (!filters.router) {
      throw new BadField("http_filters", "does not end with the router filter (" + ROUTER_TYPE + ")");
    }
    return new RouteModel.ListenerConfig(name, routeConfigName, filters.fault, filters.rateLimit,
        filters.defaultRateLimit, inline, filters.defaultFault);
  }

  /** What the filter chain holds; filled in chain order. */
  private static final class Filters {
    boolean fault;
    boolean rateLimit;
    boolean router;
    RouteModel.Fault defaultFault;
    RouteModel.RateLimit defaultRateLimit;

    void add(HttpFilter f, boolean last) {
      if (!f.hasTypedConfig()) {
        if (f.getIsOptional()) {
          return;
        }
        String how = f.hasConfigDiscovery() ? "config_discovery" : "no typed_config";
        throw new BadField("", "HttpFilter " + f.getName() + " (" + how + ") is required but unsupported");
      }
      String type = Protos.typeName(f.getTypedConfig());
      if (type.equals(ROUTER_TYPE)) {
        if (!last) {
          throw new BadField("", "HttpFilter " + f.getName() + " is the router but not the last filter");
        }
        router = true;
      } else if (type.equals(FilterParser.FAULT_TYPE)) {
        fault = true;
        // A filter disabled here is only enabled by route overrides: no listener-level fault.
        RouteModel.Fault own = at("typed_config", () -> FilterParser.fault(Protos.unpack(f.getTypedConfig(), HTTPFault.class)));
        defaultFault = f.getDisabled() || own.isNone() ? null : own;
      } else if (type.equals(FilterParser.RATE_LIMIT_TYPE)) {
        rateLimit = true;
        RouteModel.RateLimit own = at("typed_config",
            () -> FilterParser.rateLimit(Protos.unpack(f.getTypedConfig(), LocalRateLimit.class)));
        defaultRateLimit = f.getDisabled() || own == RouteModel.RateLimit.DISABLED ? null : own;
      } else if (!f.getIsOptional()) {
        throw new BadField("", "HttpFilter " + f.getName() + " (" + f.getTypedConfig().getTypeUrl() + ") is required but unsupported");
      }
    }
  }
}
