package dev.meshwork.core.internal.route;

import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.Matchers;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;

/**
 * One route prepared for matching: matchers in arrays, where each header's value comes from
 * (pseudo headers read the request itself), and one pre-built {@link RouteSelection} per cluster
 * so that choosing allocates nothing. Immutable.
 */
final class CompiledRoute {
  private static final byte HEADER = 0;
  private static final byte METHOD = 1;
  private static final byte PATH = 2;
  private static final byte AUTHORITY = 3;

  private final Matchers.StringMatcher path;
  private final Matchers.HeaderMatcher[] headers;
  private final byte[] headerSources;
  final Matchers.QueryMatcher[] query;
  private final RouteSelection[] selections;
  private final int[] cumulativeWeights;
  private final int totalWeight;

  CompiledRoute(RouteModel.VirtualHost vh, RouteModel.Route route, RouteModel.Fault fault, RouteModel.RateLimit rateLimit) {
    Matchers.RouteMatcher m = route.match();
    this.path = m.path();
    this.headers = m.headers().toArray(Matchers.HeaderMatcher[]::new);
    this.headerSources = new byte[headers.length];
    for (int i = 0; i < headers.length; i++) {
      headerSources[i] = switch (headers[i].name()) {
        case ":method" -> METHOD;
        case ":path" -> PATH;
        case ":authority" -> AUTHORITY;
        default -> HEADER;
      };
    }
    this.query = m.queryParams().toArray(Matchers.QueryMatcher[]::new);
    List<RouteModel.WeightedCluster> clusters = route.action().clusters();
    this.selections = new RouteSelection[clusters.size()];
    this.cumulativeWeights = new int[clusters.size()];
    int sum = 0;
    for (int i = 0; i < clusters.size(); i++) {
      selections[i] = new RouteSelection(vh, route, clusters.get(i).name(), fault, rateLimit);
      sum += clusters.get(i).weight();
      cumulativeWeights[i] = sum;
    }
    this.totalWeight = sum;
  }

  /** Path and header conditions; query conditions are checked separately so the query is parsed lazily. */
  boolean matchesPathAndHeaders(String authority, MeshRequest req) {
    String p = req.path();
    if (!path.matches(p == null ? "" : p)) {
      return false;
    }
    for (int i = 0; i < headers.length; i++) {
      String value = switch (headerSources[i]) {
        case METHOD -> req.method();
        case PATH -> req.query() == null ? p : p + "?" + req.query(); // Envoy's :path has the query
        case AUTHORITY -> authority;
        default -> req.header(headers[i].name());
      };
      if (!headers[i].matchesValue(value)) {
        return false;
      }
    }
    return true;
  }

  boolean matchesQuery(QueryParams params) {
    for (Matchers.QueryMatcher q : query) {
      String v = params.first(q.name());
      if (v == null || (q.value() != null && !q.value().matches(v))) {
        return false;
      }
    }
    return true;
  }

  /** The selection for {@code random} reduced to [0, total weight); a single cluster needs no random. */
  RouteSelection choose(long random) {
    if (selections.length == 1 || totalWeight <= 0) {
      return selections[0]; // total 0 only in hand-built models: the parser rejects it
    }
    int r = (int) Math.floorMod(random, (long) totalWeight);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (r < cumulativeWeights[i]) {
        return selections[i];
      }
    }
    return selections[selections.length - 1]; // unreachable: r < total == last cumulative weight
  }
}
