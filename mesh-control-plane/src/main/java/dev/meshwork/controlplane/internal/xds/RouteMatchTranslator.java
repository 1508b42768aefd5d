package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.BoolValue;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.StringMatch;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio HTTPMatchRequest to Envoy RouteMatch, following istiod's TranslateRouteMatch.
 *
 * <p>Header and query matchers are sorted by name: the model's maps do not keep YAML order, and
 * all conditions of one match must hold anyway, so order carries no meaning but must be stable.
 */
final class RouteMatchTranslator {
  private RouteMatchTranslator() {}

  /** A null match is the catch-all: prefix "/". */
  static RouteMatch match(HttpMatch m) {
    RouteMatch.Builder out = RouteMatch.newBuilder();
    StringMatch uri = m == null ? null : m.uri();
    if (uri == null || isPresent(uri)) {
      out.setPrefix("/");
    } else {
      switch (uri.kind()) {
        case EXACT -> out.setPath(uri.value());
        case PREFIX -> out.setPrefix(uri.value());
        case REGEX -> out.setSafeRegex(regex(uri.value()));
        case PRESENT -> out.setPrefix("/");
      }
    }
    if (m == null) {
      return out.build();
    }
    out.setCaseSensitive(BoolValue.of(!m.ignoreUriCase()));
    List<HeaderMatcher> headers = new ArrayList<>();
    new TreeMap<>(m.headers()).forEach((name, sm) -> headers.add(header(name, sm, false)));
    new TreeMap<>(m.withoutHeaders()).forEach((name, sm) -> headers.add(header(name, sm, true)));
    headers.sort(Comparator.comparing(HeaderMatcher::getName)); // stable: "headers" before "withoutHeaders"
    if (m.method() != null) {
      headers.add(header(":method", m.method(), false));
    }
    out.addAllHeaders(headers);
    for (Map.Entry<String, StringMatch> q : new TreeMap<>(m.queryParams()).entrySet()) {
      QueryParameterMatcher.Builder qm = QueryParameterMatcher.newBuilder().setName(q.getKey());
      if (isPresent(q.getValue())) {
        qm.setPresentMatch(true);
      } else {
        qm.setStringMatch(stringMatcher(q.getValue()));
      }
      out.addQueryParameters(qm);
    }
    return out.build();
  }

  /** True for a route that matches every request: Istio stops emitting routes after one. */
  static boolean isCatchAll(RouteMatch m) {
    return m.getPathSpecifierCase() == RouteMatch.PathSpecifierCase.PREFIX
        && m.getPrefix().equals("/")
        && m.getHeadersCount() == 0
        && m.getQueryParametersCount() == 0;
  }

  private static HeaderMatcher header(String name, StringMatch sm, boolean invert) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
    if (isPresent(sm)) {
      h.setPresentMatch(true);
    } else {
      h.setStringMatch(stringMatcher(sm));
      if (invert) {
        // Istio: "withoutHeaders: x: {exact: v}" also matches requests lacking x entirely.
        h.setTreatMissingHeaderAsEmpty(true);
      }
    }
    return h.setInvertMatch(invert).build();
  }

  private static StringMatcher stringMatcher(StringMatch sm) {
    return switch (sm.kind()) {
      case EXACT -> StringMatcher.newBuilder().setExact(sm.value()).build();
      case PREFIX -> StringMatcher.newBuilder().setPrefix(sm.value()).build();
      case REGEX -> StringMatcher.newBuilder().setSafeRegex(regex(sm.value())).build();
      case PRESENT -> throw new IllegalStateException("present is not a string match");
    };
  }

  /** Istio treats a null match and the regex "*" (not valid RE2) as "present". */
  private static boolean isPresent(StringMatch sm) {
    return sm == null
        || sm.kind() == StringMatch.Kind.PRESENT
        || (sm.kind() == StringMatch.Kind.REGEX && "*".equals(sm.value()));
  }

  private static RegexMatcher regex(String re) {
    return RegexMatcher.newBuilder().setRegex(re).build(); // engine unset: Envoy's default, RE2
  }
}
