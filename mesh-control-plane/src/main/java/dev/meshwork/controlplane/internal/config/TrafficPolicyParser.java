package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.TrafficPolicy;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.ConnectionPool;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.ConsistentHash;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.H2UpgradePolicy;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.HttpCookie;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.LoadBalancer;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.OutlierDetection;
import dev.meshwork.controlplane.internal.model.TrafficPolicy.Simple;
import java.time.Duration;
import java.util.List;

/**
 * DestinationRule TrafficPolicy: loadBalancer, connectionPool, outlierDetection, tls
 * ({@link ClientTlsParser}). Istio semantics:
 * connection pool limits are non-negative and 0 means "not set" (Istio only applies values > 0), so
 * 0 is stored as null; LEAST_CONN is LEAST_REQUEST; the deprecated outlier {@code consecutiveErrors}
 * counts gateway errors and turns 5xx ejection off, unless the newer fields say otherwise.
 */
final class TrafficPolicyParser {
  private static final Schema POLICY = Schema.of("loadBalancer", "connectionPool", "outlierDetection", "tls")
      .unsupported("portLevelSettings", "tunnel", "proxyProtocol");
  private static final Schema LB = Schema.of("simple", "consistentHash")
      .unsupported("localityLbSetting", "warmupDurationSecs", "warmup");
  private static final Schema HASH = Schema.of("httpHeaderName", "httpCookie", "useSourceIp", "minimumRingSize", "ringHash")
      .unsupported("httpQueryParameterName", "maglev");
  private static final Schema RING_HASH = Schema.of("minimumRingSize");
  private static final Schema COOKIE = Schema.of("name", "path", "ttl").unsupported("attributes");
  private static final Schema POOL = Schema.of("tcp", "http");
  private static final Schema TCP = Schema.of("maxConnections", "connectTimeout")
      .unsupported("tcpKeepalive", "maxConnectionDuration", "idleTimeout");
  private static final Schema HTTP = Schema.of("http1MaxPendingRequests", "http2MaxRequests", "maxRetries", "h2UpgradePolicy")
      .unsupported("idleTimeout", "maxRequestsPerConnection", "useClientProtocol", "maxConcurrentStreams");
  private static final Schema OUTLIER = Schema.of("consecutive5xxErrors", "consecutiveGatewayErrors", "consecutiveErrors",
          "interval", "baseEjectionTime", "maxEjectionPercent")
      .unsupported("minHealthPercent", "splitExternalLocalOriginErrors", "consecutiveLocalOriginFailures");
  private static final List<String> SIMPLE = List.of("UNSPECIFIED", "ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN", "RANDOM", "PASSTHROUGH");
  /** Envoy's RingHashLbConfig.minimum_ring_size limit. */
  private static final long MAX_RING = 8_388_608L;

  private TrafficPolicyParser() {}

  /** The policy under {@code key}, null when absent or invalid (reported). */
  static TrafficPolicy parse(ObjectReader parent, String key) {
    ObjectReader p = parent.object(key, POLICY);
    if (p == null) {
      return null;
    }
    int before = p.ctx().errorCount();
    if (p.get("loadBalancer") == null && p.get("connectionPool") == null && p.get("outlierDetection") == null
        && p.get("tls") == null && p.valid() && p.ctx().errorCount() == before) {
      p.ctx().error(p.path(), "traffic policy must have at least one field");
    }
    TrafficPolicy tp = new TrafficPolicy(loadBalancer(p), connectionPool(p), outlierDetection(p), ClientTlsParser.parse(p));
    return p.ctx().errorCount() != before ? null : tp;
  }

  private static LoadBalancer loadBalancer(ObjectReader p) {
    ObjectReader lb = p.object("loadBalancer", LB);
    if (lb == null) {
      return null;
    }
    if (lb.has("simple") && lb.has("consistentHash")) {
      lb.ctx().error(lb.path(), "expected one of simple, consistentHash, not both");
      return null;
    }
    String simple = lb.oneOf("simple", SIMPLE);
    if (simple != null) {
      return new LoadBalancer("LEAST_CONN".equals(simple) ? Simple.LEAST_REQUEST : Simple.valueOf(simple), null);
    }
    ObjectReader h = lb.object("consistentHash", HASH);
    if (h == null) {
      return lb.has("simple") ? null : new LoadBalancer(Simple.UNSPECIFIED, null);
    }
    String header = h.string("httpHeaderName");
    HttpCookie cookie = null;
    ObjectReader c = h.object("httpCookie", COOKIE);
    if (c != null) {
      String name = c.requiredString("name");
      String ttlText = c.string("ttl");
      String problem = ttlText == null ? null : Durations.problem(ttlText, false);
      if (problem != null) {
        c.ctx().error(c.path("ttl"), problem);
      }
      Duration ttl = ttlText == null || problem != null ? null : Durations.parse(ttlText, c.path("ttl"));
      cookie = name == null ? null : new HttpCookie(name, c.string("path"), ttl);
    }
    Boolean sourceIp = h.bool("useSourceIp");
    int keys = (h.has("httpHeaderName") ? 1 : 0) + (h.has("httpCookie") ? 1 : 0) + (Boolean.TRUE.equals(sourceIp) ? 1 : 0);
    if (keys != 1 && !h.has("httpQueryParameterName")) { // that one is already reported as unsupported
      h.ctx().error(h.path(), "expected exactly one of httpHeaderName, httpCookie, useSourceIp: true");
    }
    if (header != null && HttpMatchParser.headerNameProblem(header) != null) {
      h.ctx().error(h.path("httpHeaderName"), HttpMatchParser.headerNameProblem(header));
    }
    Long ring = h.integer("minimumRingSize", 0, MAX_RING);
    ObjectReader rh = h.object("ringHash", RING_HASH);
    if (rh != null) {
      if (h.has("minimumRingSize")) {
        h.ctx().error(h.path("minimumRingSize"), "set only one of minimumRingSize (deprecated) and ringHash.minimumRingSize");
      }
      ring = rh.integer("minimumRingSize", 0, MAX_RING);
    }
    return new LoadBalancer(null,
        new ConsistentHash(header, cookie, Boolean.TRUE.equals(sourceIp), ring == null ? 0 : ring));
  }

  private static ConnectionPool connectionPool(ObjectReader p) {
    ObjectReader pool = p.object("connectionPool", POOL);
    if (pool == null) {
      return null;
    }
    if (pool.valid() && !pool.has("tcp") && !pool.has("http")) {
      pool.ctx().error(pool.path(), "connection pool must have at least one of tcp, http");
    }
    ObjectReader tcp = pool.object("tcp", TCP);
    ObjectReader http = pool.object("http", HTTP);
    String h2 = http == null ? null : http.oneOf("h2UpgradePolicy", List.of("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"));
    return new ConnectionPool(
        limit(tcp, "maxConnections"),
        tcp == null ? null : tcp.duration("connectTimeout"),
        limit(http, "http1MaxPendingRequests"),
        limit(http, "http2MaxRequests"),
        limit(http, "maxRetries"),
        h2 == null ? null : H2UpgradePolicy.valueOf(h2));
  }

  /** Non-negative int32, 0 meaning "not set" as in Istio; null when absent. */
  private static Integer limit(ObjectReader r, String key) {
    Long v = r == null ? null : r.integer(key, 0, Integer.MAX_VALUE);
    return v == null || v == 0 ? null : v.intValue();
  }

  private static OutlierDetection outlierDetection(ObjectReader p) {
    ObjectReader o = p.object("outlierDetection", OUTLIER);
    if (o == null) {
      return null;
    }
    Integer fiveXx = uint(o, "consecutive5xxErrors");
    Integer gateway = uint(o, "consecutiveGatewayErrors");
    Integer legacy = uint(o, "consecutiveErrors");
    if (legacy != null && legacy > 0) {
      gateway = gateway != null ? gateway : legacy;
      fiveXx = fiveXx != null ? fiveXx : Integer.valueOf(0);
    }
    Long maxEject = o.integer("maxEjectionPercent", 0, 100);
    return new OutlierDetection(fiveXx, gateway, o.duration("interval"), o.duration("baseEjectionTime"),
        maxEject == null ? null : maxEject.intValue());
  }

  private static Integer uint(ObjectReader r, String key) {
    Long v = r.integer(key, 0, Integer.MAX_VALUE);
    return v == null ? null : v.intValue();
  }
}
