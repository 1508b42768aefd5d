package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.destinationRule;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.Destination;
import dev.meshwork.controlplane.internal.model.Fault;
import dev.meshwork.controlplane.internal.model.HttpMatch;
import dev.meshwork.controlplane.internal.model.HttpRoute;
import dev.meshwork.controlplane.internal.model.Retries;
import dev.meshwork.controlplane.internal.model.StringMatch;
import dev.meshwork.controlplane.internal.model.StringMatch.Kind;
import dev.meshwork.controlplane.internal.model.VirtualService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VirtualServiceParserTest {
  private static final String DR = destinationRule("reviews", "reviews", "v1", "v2");

  private static LoadResult vs(String http) {
    return TestConfigs.reviewsVirtualService(http);
  }

  @Test
  void everyField_parsesIntoTheModel() {
    String yaml = """
        apiVersion: networking.istio.io/v1alpha3
        kind: VirtualService
        metadata:
          name: reviews
          namespace: shop
          labels: {app: reviews}
          annotations: {note: "x"}
          resourceVersion: "42"
        spec:
          hosts:
          - Reviews.shop.svc.cluster.local
          gateways: [mesh]
          exportTo: ["*"]
          http:
          - name: canary
            match:
            - name: by-header
              uri: {prefix: /api}
              ignoreUriCase: true
              method: {exact: GET}
              headers:
                x-canary: {exact: "true"}
                x-trace: {}
              withoutHeaders:
                x-debug: {regex: "on|yes"}
              queryParams:
                v: {exact: "2"}
            route:
            - destination: {host: reviews, subset: v2, port: {number: 9080}}
            timeout: 1.5s
            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx, reset,503,unavailable"}
            fault:
              delay: {fixedDelay: 1m30s, percentage: {value: 0.5}}
              abort: {grpcStatus: UNAVAILABLE, percentage: {value: 10}}
          - route:
            - destination: {host: reviews.shop.svc, subset: v1}
              weight: 90
            - destination: {host: reviews, subset: v2}
              weight: 10
        status: {anything: goes}
        """;
    VirtualService vs = assertOk(load("vs.yaml", yaml, "dr.yaml", DR)).virtualServices().get(0);
    assertEquals("vs.yaml doc 0 VirtualService shop/reviews", vs.source().describe());
    assertEquals(List.of("reviews"), vs.hosts());
    HttpRoute canary = vs.http().get(0);
    assertEquals("canary", canary.name());
    HttpMatch m = canary.match().get(0);
    assertEquals("by-header", m.name());
    assertEquals(new StringMatch(Kind.PREFIX, "/api"), m.uri());
    assertTrue(m.ignoreUriCase());
    assertEquals(new StringMatch(Kind.EXACT, "GET"), m.method());
    assertEquals(Map.of("x-canary", new StringMatch(Kind.EXACT, "true"), "x-trace", StringMatch.present()), m.headers());
    assertEquals(Map.of("x-debug", new StringMatch(Kind.REGEX, "on|yes")), m.withoutHeaders());
    assertEquals(Map.of("v", new StringMatch(Kind.EXACT, "2")), m.queryParams());
    assertEquals(List.of(new Destination("reviews", "v2", 9080, 100)), canary.route());
    assertEquals(Duration.ofMillis(1500), canary.timeout());
    assertEquals(new Retries(3, Duration.ofMillis(500), List.of("5xx", "reset", "unavailable", "retriable-status-codes"),
        List.of(503)), canary.retries());
    assertEquals(new Fault(new Fault.Delay(Duration.ofSeconds(90), 0.5), new Fault.Abort(0, "UNAVAILABLE", 10)),
        canary.fault());
    HttpRoute split = vs.http().get(1);
    assertEquals(List.of(new Destination("reviews", "v1", 0, 90), new Destination("reviews", "v2", 0, 10)), split.route());
    assertTrue(split.match().isEmpty());
    assertNull(split.timeout());
    assertNull(split.retries());
    assertNull(split.fault());
  }

  @Test
  void unknownField_namesPathAndKnownFields() {
    LoadResult r = vs("""
        - rout:
          - destination: {host: reviews}
        """);
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].rout: unknown field (did you mean route? "
        + "known: name, match, route, timeout, retries, fault, mirror, mirrorPercentage, mirrors)");
    assertError(r, "spec.http[0].route: is required");
  }

  @Test
  void unsupportedHttpRouteFeatures_areErrorsNotSilentlyIgnored() {
    LoadResult r = vs("""
        - route:
          - destination: {host: reviews}
            headers: {request: {set: {x-a: b}}}
          redirect: {uri: /x}
          corsPolicy: {allowOrigins: [{exact: "*"}]}
        """);
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].redirect: not supported by Meshwork yet");
    assertError(r, "spec.http[0].corsPolicy: not supported by Meshwork yet");
    assertError(r, "spec.http[0].route[0].headers: not supported by Meshwork yet");
  }

  @Test
  void tcpTlsGatewaysAndExportTo_areUnsupported() {
    LoadResult r = load("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db}
        spec:
          hosts: [db]
          gateways: [istio-system/ingress]
          exportTo: ["."]
          tcp:
          - route: [{destination: {host: db}}]
        """);
    assertError(r, "VirtualService default/db: spec.tcp: not supported by Meshwork yet");
    assertError(r, "spec.gateways: not supported by Meshwork yet");
    assertError(r, "spec.exportTo: not supported by Meshwork yet");
  }

  @Test
  void weightThatDoesNotParse_isAnErrorAtItsPath() {
    LoadResult r = vs("""
        - route:
          - destination: {host: reviews, subset: v1}
            weight: abc
          - destination: {host: reviews, subset: v2}
            weight: 1.5
        """);
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].route[0].weight: expected an integer, "
        + "got a string (\"abc\")");
    assertError(r, "spec.http[0].route[1].weight: expected an integer, got a number (1.5)");
  }

  @Test
  void weights_followIstio_relativeNonNegativeAndNotAllZero() {
    assertError(vs("""
        - route:
          - destination: {host: reviews, subset: v1}
          - destination: {host: reviews, subset: v2}
        """), "spec.http[0].route: total destination weight = 0");
    assertError(vs("""
        - route:
          - destination: {host: reviews, subset: v1}
            weight: -5
          - destination: {host: reviews, subset: v2}
            weight: 5
        """), "spec.http[0].route[0].weight: -5 (expected: 0..2147483647)");
    // Sums other than 100 are relative weights, as in Istio; a missing weight is 0 (no traffic).
    VirtualService vs = assertOk(vs("""
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 3
          - destination: {host: reviews, subset: v2}
            weight: 1
          - destination: {host: reviews}
        """)).virtualServices().get(0);
    assertEquals(List.of(3, 1, 0), vs.http().get(0).route().stream().map(Destination::weight).toList());
    // A single destination takes all traffic whatever its weight says.
    assertEquals(100, assertOk(vs("""
        - route:
          - destination: {host: reviews}
            weight: 30
        """)).virtualServices().get(0).http().get(0).route().get(0).weight());
  }

  @Test
  void badDurations_areReportedWithExpectedFormat() {
    LoadResult r = vs("""
        - route: [{destination: {host: reviews}}]
          timeout: abc
          retries: {attempts: 2, perTryTimeout: 100us}
        """);
    assertError(r, "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].timeout: \"abc\" is not a duration "
        + "(expected e.g. 1.5s, 500ms)");
    assertError(r, "spec.http[0].retries.perTryTimeout: \"100us\" is too short (expected: >= 1ms)");
  }

  @Test
  void hosts_wildcardsAndDuplicatesAreErrors_fqdnFormsNormalise() {
    LoadResult r = load("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: all}
        spec:
          hosts: ["*.example.com", reviews, reviews.default.svc.cluster.local]
          http: [{route: [{destination: {host: "*"}}]}]
        """);
    assertError(r, "spec.hosts[0]: wildcard hosts are not supported");
    assertError(r, "spec.hosts[2]: duplicate host reviews (also spec.hosts[1])");
    assertError(r, "spec.http[0].route[0].destination.host: wildcard hosts are not supported");
  }

  @Test
  void httpIsRequired_andTheErrorsOfOneDocumentAreAllReported() {
    LoadResult r = load("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: Bad_Name}
        spec:
          hosts: reviews
        """);
    assertError(r, "spec.hosts: expected a list, got a string (\"reviews\")");
    assertError(r, "spec.http: is required");
    assertError(r, "metadata.name: \"Bad_Name\" is not a valid name");
    assertFalse(r.ok());
  }
}
