package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import dev.meshwork.core.internal.model.Matchers;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy RouteMatch to {@link Matchers.RouteMatcher}. Conditions we cannot evaluate (runtime
 * fractions, TLS context, metadata, filter state, URI templates, CONNECT) make the resource
 * invalid: ignoring a condition would make the route match more than the control plane meant.
 */
final class RouteMatchParser {
  /** What Envoy's grpc match option checks: gRPC requests carry this content-type (or a +suffix). */
  static final String GRPC_CONTENT_TYPE = "application/grpc";

  private RouteMatchParser() {}

  static Matchers.RouteMatcher match(RouteMatch m) {
    // case_sensitive defaults to true; Envoy ignores it for safe_regex, and so do we.
    boolean ignoreCase = m.hasCaseSensitive() && !m.getCaseSensitive().getValue();
    Matchers.StringMatcher path = switch (m.getPathSpecifierCase()) {
      case PREFIX -> new Matchers.Prefix(m.getPrefix(), ignoreCase);
      case PATH -> new Matchers.Exact(m.getPath(), ignoreCase);
      case SAFE_REGEX -> at("safe_regex", () -> MatcherParser.regex(m.getSafeRegex()));
      case PATH_SEPARATED_PREFIX -> pathSeparatedPrefix(m.getPathSeparatedPrefix(), ignoreCase);
      case CONNECT_MATCHER -> throw new BadField("connect_matcher", "is not supported (clients do not send CONNECT)");
      case PATH_MATCH_POLICY -> throw new BadField("path_match_policy",
          m.getPathMatchPolicy().getName() + " is not supported");
      case PATHSPECIFIER_NOT_SET -> throw new BadField("", "has no path specifier (expected: prefix, path, safe_regex or path_separated_prefix)");
    };
    if (m.hasRuntimeFraction()) {
      throw new BadField("runtime_fraction", "is not supported");
    }
    if (m.hasTlsContext()) {
      throw new BadField("tls_context", "is not supported");
    }
    if (m.getDynamicMetadataCount() > 0) {
      throw new BadField("dynamic_metadata", "is not supported");
    }
    if (m.getFilterStateCount() > 0) {
      throw new BadField("filter_state", "is not supported");
    }
    List<Matchers.HeaderMatcher> headers = new ArrayList<>();
    for (int i = 0; i < m.getHeadersCount(); i++) {
      int index = i;
      headers.add(at("headers[" + i + "]", () -> MatcherParser.header(m.getHeaders(index))));
    }
    if (m.hasGrpc()) {
      headers.add(new Matchers.HeaderMatcher("content-type", new Matchers.Prefix(GRPC_CONTENT_TYPE, false),
          false, false, false));
    }
    List<Matchers.QueryMatcher> query = new ArrayList<>();
    for (int i = 0; i < m.getQueryParametersCount(); i++) {
      int index = i;
      query.add(at("query_parameters[" + i + "]", () -> MatcherParser.query(m.getQueryParameters(index))));
    }
    return new Matchers.RouteMatcher(path, headers, query);
  }

  /** Envoy's own validation: no query or fragment, no trailing slash. */
  private static Matchers.StringMatcher pathSeparatedPrefix(String prefix, boolean ignoreCase) {
    if (prefix.isEmpty() || prefix.indexOf('?') >= 0 || prefix.indexOf('#') >= 0 || prefix.endsWith("/")) {
      throw new BadField("path_separated_prefix",
          Protos.quote(prefix) + " is invalid (expected: non-empty, no '?' or '#', not ending in '/')");
    }
    return new Matchers.PathSeparatedPrefix(prefix, ignoreCase);
  }
}
