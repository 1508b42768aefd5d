package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.controlplane.internal.model.DestinationRule;
import dev.meshwork.controlplane.internal.model.Subset;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationRuleParserTest {
  private static LoadResult dr(String spec) {
    return load("dr.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
        """ + spec.indent(2));
  }

  @Test
  void everyField_parsesIntoTheModel() {
    DestinationRule dr = assertOk(dr("""
        host: reviews.default.svc.cluster.local
        exportTo: ["*"]
        trafficPolicy:
          loadBalancer: {simple: LEAST_CONN}
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 250ms}
            http: {http1MaxPendingRequests: 10, http2MaxRequests: 1000, maxRetries: 0, h2UpgradePolicy: DO_NOT_UPGRADE}
          outlierDetection:
            consecutive5xxErrors: 5
            consecutiveGatewayErrors: 0
            interval: 10s
            baseEjectionTime: 30s
            maxEjectionPercent: 50
        subsets:
        - name: v1
          labels: {version: v1, app.kubernetes.io/name: reviews}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpCookie: {name: session, path: /, ttl: 0s}
                ringHash: {minimumRingSize: 1024}
        """)).destinationRules().get(0);
    assertEquals("reviews", dr.host());
    TrafficPolicy tp = dr.trafficPolicy();
    assertEquals(new LoadBalancer(Simple.LEAST_REQUEST, null), tp.loadBalancer());
    assertEquals(new ConnectionPool(100, Duration.ofMillis(250), 10, 1000, null, H2UpgradePolicy.DO_NOT_UPGRADE),
        tp.connectionPool());
    assertEquals(new OutlierDetection(5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 50), tp.outlierDetection());
    assertEquals(List.of("v1", "v2"), dr.subsets().stream().map(Subset::name).toList());
    assertEquals(Map.of("version", "v1", "app.kubernetes.io/name", "reviews"), dr.subsets().get(0).labels());
    assertNull(dr.subsets().get(0).trafficPolicy());
    TrafficPolicy v2 = tp.overriddenBy(dr.subsets().get(1).trafficPolicy());
    assertEquals(new LoadBalancer(null, new ConsistentHash(null, new HttpCookie("session", "/", Duration.ZERO), false, 1024)),
        v2.loadBalancer());
    assertEquals(tp.connectionPool(), v2.connectionPool());
  }

  @Test
  void consistentHashByHeaderOrSourceIp_andDeprecatedRingSize() {
    DestinationRule dr = assertOk(dr("""
        host: reviews
        trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, minimumRingSize: 64}}}
        subsets:
        - name: a
          trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}
        """)).destinationRules().get(0);
    assertEquals(new ConsistentHash("x-user", null, false, 64), dr.trafficPolicy().loadBalancer().consistentHash());
    assertEquals(new ConsistentHash(null, null, true, 0), dr.subsets().get(0).trafficPolicy().loadBalancer().consistentHash());
  }

  @Test
  void deprecatedConsecutiveErrors_countsGatewayErrorsAndDisables5xxEjection_likeIstio() {
    OutlierDetection od = assertOk(dr("""
        host: reviews
        trafficPolicy: {outlierDetection: {consecutiveErrors: 7}}
        """)).destinationRules().get(0).trafficPolicy().outlierDetection();
    assertEquals(new OutlierDetection(0, 7, null, null, null), od);
  }

  @Test
  void unsupportedPolicies_areErrorsNamingThePath() {
    LoadResult r = dr("""
        host: reviews
        workloadSelector: {matchLabels: {app: a}}
        trafficPolicy:
          tls: {mode: SIMPLE}
          loadBalancer: {simple: RANDOM, localityLbSetting: {enabled: true}}
          connectionPool: {tcp: {tcpKeepalive: {time: 1s}}, http: {idleTimeout: 1s}}
          outlierDetection: {minHealthPercent: 10}
        subsets:
        - name: v1
          trafficPolicy: {portLevelSettings: []}
        """);
    assertError(r, "dr.yaml doc 0 DestinationRule default/reviews: spec.workloadSelector: not supported by Meshwork yet");
    assertError(r, "spec.trafficPolicy.tls.mode: not supported by Meshwork yet: SIMPLE");
    assertError(r, "spec.trafficPolicy.loadBalancer.localityLbSetting: not supported by Meshwork yet");
    assertError(r, "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive: not supported by Meshwork yet");
    assertError(r, "spec.trafficPolicy.connectionPool.http.idleTimeout: not supported by Meshwork yet");
    assertError(r, "spec.trafficPolicy.outlierDetection.minHealthPercent: not supported by Meshwork yet");
    assertError(r, "spec.subsets[0].trafficPolicy.portLevelSettings: not supported by Meshwork yet");
  }

  @Test
  void invalidValues_areReportedWithExpectations() {
    LoadResult r = dr("""
        trafficPolicy:
          loadBalancer: {simple: round_robin, consistentHash: {useSourceIp: true}}
          connectionPool: {http: {maxRetries: -1, h2UpgradePolicy: ALWAYS}}
          outlierDetection: {maxEjectionPercent: 150, interval: 10}
        subsets:
        - name: v1
        - name: v1
        - name: V2
          labels: {version: "bad value!"}
        - labels: {version: v3}
        """);
    assertError(r, "spec.host: is required");
    assertError(r, "spec.trafficPolicy.loadBalancer: expected one of simple, consistentHash, not both");
    assertError(r, "spec.trafficPolicy.connectionPool.http.maxRetries: -1 (expected: 0..2147483647)");
    assertError(r, "spec.trafficPolicy.connectionPool.http.h2UpgradePolicy: \"ALWAYS\" is not one of DEFAULT, DO_NOT_UPGRADE, UPGRADE");
    assertError(r, "spec.trafficPolicy.outlierDetection.maxEjectionPercent: 150 (expected: 0..100)");
    assertError(r, "spec.trafficPolicy.outlierDetection.interval: expected a string, got a number (10)");
    assertError(r, "spec.subsets[1].name: duplicate subset v1");
    assertError(r, "spec.subsets[2].name: \"V2\" is not a valid subset name");
    assertError(r, "spec.subsets[2].labels.version: label value \"bad value!\" is invalid");
    assertError(r, "spec.subsets[3].name: is required");
  }

  @Test
  void simpleIsCaseSensitive_butTheErrorSuggestsTheSpelling() {
    assertError(dr("""
        host: reviews
        trafficPolicy: {loadBalancer: {simple: round_robin}}
        """), "spec.trafficPolicy.loadBalancer.simple: \"round_robin\" is not one of", "(did you mean ROUND_ROBIN?)");
  }

  @Test
  void emptyPolicies_andAmbiguousHashes_areRejectedAsInIstio() {
    LoadResult r = dr("""
        host: reviews
        trafficPolicy: {connectionPool: {}}
        subsets:
        - name: a
          trafficPolicy: {}
        - name: b
          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-a, useSourceIp: true}}}
        - name: c
          trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {path: /}, minimumRingSize: 8, ringHash: {minimumRingSize: 8}}}}
        """);
    assertError(r, "spec.trafficPolicy.connectionPool: connection pool must have at least one of tcp, http");
    assertError(r, "spec.subsets[0].trafficPolicy: traffic policy must have at least one field");
    assertError(r, "spec.subsets[1].trafficPolicy.loadBalancer.consistentHash: expected exactly one of httpHeaderName");
    assertError(r, "spec.subsets[2].trafficPolicy.loadBalancer.consistentHash.httpCookie.name: is required");
    assertError(r, "spec.subsets[2].trafficPolicy.loadBalancer.consistentHash.minimumRingSize: set only one of");
  }
}
