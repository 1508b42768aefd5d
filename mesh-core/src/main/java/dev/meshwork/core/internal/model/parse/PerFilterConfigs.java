package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Any;
import dev.meshwork.core.internal.model.RouteModel;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.Map;
import java.util.function.Function;

/**
 * typed_per_filter_config overrides for the fault and local rate limit filters, at route
 * configuration, virtual host or route level. As in Envoy the most specific level that names a
 * filter replaces the others whole (no merging). A value may be the filter's own config or an
 * {@code envoy.config.route.v3.FilterConfig} wrapping it; {@code disabled: true} switches the
 * filter off for that scope. Entries for other filters are ignored, as Envoy ignores entries for
 * filters that are not in the chain.
 */
final class PerFilterConfigs {
  static final String FILTER_CONFIG_TYPE = FilterConfig.getDescriptor().getFullName();

  private PerFilterConfigs() {}

  /** The overrides of one level; a null field means this level does not override that filter. */
  record Overrides(RouteModel.Fault fault, RouteModel.RateLimit rateLimit) {
    static final Overrides NONE = new Overrides(null, null);

    /** This level's overrides, falling back to the enclosing level's. */
    Overrides over(Overrides enclosing) {
      return new Overrides(fault != null ? fault : enclosing.fault, rateLimit != null ? rateLimit : enclosing.rateLimit);
    }
  }

  static Overrides parse(Map<String, Any> configs) {
    if (configs.isEmpty()) {
      return Overrides.NONE;
    }
    Any fault = configs.get(FilterParser.FAULT_FILTER);
    Any rateLimit = configs.get(FilterParser.RATE_LIMIT_FILTER);
    RouteModel.Fault f = fault == null ? null
        : at("typed_per_filter_config[" + FilterParser.FAULT_FILTER + "]",
            () -> override(fault, FilterParser.FAULT_TYPE, RouteModel.Fault.NONE,
                any -> FilterParser.fault(Protos.unpack(any, HTTPFault.class))));
    RouteModel.RateLimit r = rateLimit == null ? null
        : at("typed_per_filter_config[" + FilterParser.RATE_LIMIT_FILTER + "]",
            () -> override(rateLimit, FilterParser.RATE_LIMIT_TYPE, RouteModel.RateLimit.DISABLED,
                any -> FilterParser.rateLimit(Protos.unpack(any, LocalRateLimit.class))));
    return new Overrides(f, r);
  }

  /** Null when the entry turns out not to override (an optional FilterConfig of another type, or an empty one). */
  private static <T> T override(Any any, String expectedType, T disabled, Function<Any, T> parse) {
    String type = Protos.typeName(any);
    if (type.equals(expectedType)) {
      return parse.apply(any);
    }
    if (!type.equals(FILTER_CONFIG_TYPE)) {
      throw new BadField("", "has type " + type + " (expected: " + expectedType + " or " + FILTER_CONFIG_TYPE + ")");
    }
    FilterConfig wrapper = Protos.unpack(any, FilterConfig.class);
    if (wrapper.getDisabled()) {
      return disabled;
    }
    if (!wrapper.hasConfig()) {
      return null;
    }
    String inner = Protos.typeName(wrapper.getConfig());
    if (!inner.equals(expectedType)) {
      if (wrapper.getIsOptional()) {
        return null;
      }
      throw new BadField("config", "has type " + inner + " (expected: " + expectedType + ")");
    }
    return at("config", () -> parse.apply(wrapper.getConfig()));
  }
}
