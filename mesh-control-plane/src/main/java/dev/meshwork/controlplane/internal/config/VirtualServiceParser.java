package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.config.ObjectReader.Item;
import dev.meshwork.controlplane.internal.config.Parsed.DestinationRef;
import dev.meshwork.controlplane.internal.config.Parsed.VirtualServiceDoc;
import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.LocalRateLimit;
import dev.meshwork.controlplane.internal.model.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VirtualService spec (mesh gateway, HTTP routes only). Weight rules follow Istio's validation: each
 * weight >= 0; with several destinations the weights are relative and must not all be 0 (a missing
 * weight is 0, and such a destination gets no traffic); a single destination gets all traffic, so
 * its weight is stored as 100 whatever was written. Sums other than 100 are accepted, as in Istio.
 */
final class VirtualServiceParser {
  private static final Schema SPEC = Schema.of("hosts", "gateways", "exportTo", "http")
      .unsupported("tcp", "tls", "delegate");
  private static final Schema HTTP_ROUTE = Schema.of("name", "match", "route", "timeout", "retries", "fault",
          "mirror", "mirrorPercentage", "mirrors")
      .unsupported("redirect", "directResponse", "delegate", "rewrite", "corsPolicy", "headers")
      .unsupported("mirror_percent", "deprecated by Istio; use mirrorPercentage")
      .unsupported("mirrorPercent", "deprecated by Istio; use mirrorPercentage")
      .hint("weight", p -> "unknown field: weight belongs on each route destination (" + p + ".route[N].weight)");
  private static final Schema ROUTE_DESTINATION = Schema.of("destination", "weight").unsupported("headers");
  static final Schema DESTINATION = Schema.of("host", "subset", "port");
  private static final Schema PORT_SELECTOR = Schema.of("number");
  /** Envoy's weighted_clusters total is a uint32. */
  private static final long MAX_TOTAL_WEIGHT = 0xFFFF_FFFFL;

  private VirtualServiceParser() {}

  /** @param rateLimit the validated {@code ratelimit.meshwork.dev/local} annotation, or null */
  static VirtualServiceDoc parse(DocContext ctx, JsonNode specNode, LocalRateLimit rateLimit) {
    ObjectReader spec = ObjectReader.of(ctx, "spec", specNode, SPEC);
    Map<String, String> hostPaths = Fields.hosts(ctx, spec);
    if (spec.has("gateways") && !spec.stringList("gateways").equals(List.of("mesh"))) {
      ctx.error(spec.path("gateways"), "not supported by Meshwork yet: only [mesh] (routes for sidecar-less clients)");
    }
    Fields.exportTo(spec);
    if (!spec.has("http") && !spec.has("tcp") && !spec.has("tls")) {
      spec.require("http");
    }
    List<HttpRoute> routes = new ArrayList<>();
    List<DestinationRef> refs = new ArrayList<>();
    for (Item item : spec.list("http")) {
      HttpRoute route = httpRoute(ObjectReader.of(ctx, item.path(), item.node(), HTTP_ROUTE), refs);
      if (route != null) {
        routes.add(route);
      }
    }
    VirtualService vs = new VirtualService(ctx.source(), List.copyOf(hostPaths.keySet()), routes, rateLimit);
    return new VirtualServiceDoc(vs, hostPaths, refs);
  }

  private static HttpRoute httpRoute(ObjectReader r, List<DestinationRef> refs) {
    String name = r.string("name");
    List<HttpMatch> matches = new ArrayList<>();
    for (Item item : r.list("match")) {
      HttpMatch m = HttpMatchParser.parse(r.ctx(), item);
      if (m != null) {
        matches.add(m);
      }
    }
    List<Destination> destinations = destinations(r, refs);
    Duration timeout = r.duration("timeout");
    var retries = RetryFaultParser.retries(r);
    var fault = RetryFaultParser.fault(r);
    var mirrors = MirrorParser.mirrors(r, refs);
    return destinations.isEmpty() ? null : new HttpRoute(name, matches, destinations, timeout, retries, fault, mirrors);
  }

  private static List<Destination> destinations(ObjectReader route, List<DestinationRef> refs) {
    DocContext ctx = route.ctx();
    List<Item> items = route.requiredList("route");
    List<Destination> out = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    long total = 0;
    boolean weightsOk = true;
    for (Item item : items) {
      ObjectReader rd = ObjectReader.of(ctx, item.path(), item.node(), ROUTE_DESTINATION);
      Long weight = rd.integer("weight", 0, Integer.MAX_VALUE);
      weightsOk &= weight != null || !rd.has("weight");
      total += weight == null ? 0 : weight;
      if (!rd.require("destination")) {
        continue;
      }
      ObjectReader d = rd.object("destination", DESTINATION);
      Destination dest = destination(d, items.size() == 1 ? 100 : weight == null ? 0 : weight.intValue());
      if (dest != null) {
        out.add(dest);
        paths.add(d.path());
      }
    }
    if (items.size() > 1 && weightsOk && total == 0) {
      ctx.error(route.path("route"),
          "total destination weight = 0 (with several destinations give each a weight, e.g. 90 and 10)");
    } else if (total > MAX_TOTAL_WEIGHT) {
      ctx.error(route.path("route"), "total destination weight " + total + " (expected: <= " + MAX_TOTAL_WEIGHT + ")");
    }
    for (int i = 0; i < out.size(); i++) {
      refs.add(new DestinationRef(out.get(i), paths.get(i)));
    }
    return out;
  }

  /** Istio's Destination (host, subset, port) read from {@code d}; null when its host is unusable (reported). */
  static Destination destination(ObjectReader d, int weight) {
    DocContext ctx = d.ctx();
    String host = Fields.host(ctx, d.path("host"), d.requiredString("host"));
    String subset = d.string("subset");
    if (subset != null && !Names.isDnsLabel(subset)) {
      ctx.error(d.path("subset"), Texts.quote(subset) + " is not a valid subset name (expected an RFC 1123 label)");
      subset = null;
    }
    ObjectReader port = d.object("port", PORT_SELECTOR);
    int portNumber = port == null ? 0 : port.require("number") ? Fields.port(port, "number") : 0;
    return host == null ? null : new Destination(host, subset, portNumber, weight);
  }
}
