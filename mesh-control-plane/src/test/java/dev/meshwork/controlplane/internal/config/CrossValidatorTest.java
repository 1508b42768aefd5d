package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.destinationRule;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;

import org.junit.jupiter.api.Test;

class CrossValidatorTest {
  private static String vs(String name, String host, String destination) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s}
        spec:
          hosts: [%s]
          http:
          - route:
            - destination: %s
        """.formatted(name, host, destination);
  }

  @Test
  void subsetWithoutAnyDestinationRule_namesTheVirtualServicePath() {
    assertError(load("vs.yaml", vs("reviews", "reviews", "{host: reviews, subset: v3}")),
        "vs.yaml doc 0 VirtualService default/reviews: spec.http[0].route[0].destination.subset: "
            + "subset v3 of host reviews is not defined by any DestinationRule");
  }

  @Test
  void subsetMissingFromTheHostsDestinationRule_listsTheDefinedOnes() {
    assertError(load("vs.yaml", vs("reviews", "reviews", "{host: reviews, subset: v3}"),
            "dr.yaml", destinationRule("reviews", "reviews.default.svc.cluster.local", "v1", "v2")),
        "spec.http[0].route[0].destination.subset: subset v3 of host reviews is not defined by "
            + "DestinationRule default/reviews (dr.yaml doc 0) (defined: v1, v2)");
  }

  @Test
  void twoVirtualServicesForOneHost_isAnErrorNamingBoth() {
    assertError(load("a.yaml", vs("reviews-a", "reviews", "{host: reviews}"),
            "b.yaml", vs("reviews-b", "reviews.default.svc.cluster.local", "{host: reviews}")),
        "b.yaml doc 0 VirtualService default/reviews-b: spec.hosts[0]: host reviews is already routed by "
            + "VirtualService default/reviews-a (a.yaml doc 0) (at most one VirtualService per host)");
  }

  @Test
  void twoDestinationRulesForOneHost_isAnErrorNamingBoth() {
    assertError(load("a.yaml", destinationRule("r1", "reviews", "v1"), "b.yaml", destinationRule("r2", "reviews", "v1")),
        "b.yaml doc 0 DestinationRule default/r2: spec.host: host reviews already has DestinationRule default/r1 (a.yaml doc 0)");
  }

  @Test
  void destinationPort_mustBeDeclaredByTheHostsServiceEntry() {
    String se = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: payments}
        spec:
          hosts: [payments]
          resolution: STATIC
          ports: [{number: 80, name: http, protocol: HTTP}]
          endpoints: [{address: 10.0.0.1}]
        """;
    assertError(load("vs.yaml", vs("payments", "payments", "{host: payments, port: {number: 8080}}"), "se.yaml", se),
        "vs.yaml doc 0 VirtualService default/payments: spec.http[0].route[0].destination.port.number: port 8080 of host "
            + "payments is not declared by ServiceEntry default/payments (se.yaml doc 0) (declared: 80)");
    assertOk(load("vs.yaml", vs("payments", "payments", "{host: payments, port: {number: 80}}"), "se.yaml", se));
    // Hosts without a ServiceEntry come from the registry, whose ports are not known here.
    assertOk(load("vs.yaml", vs("other", "other", "{host: other, port: {number: 8080}}")));
  }

  @Test
  void twoServiceEntriesForOneHost_isAnError() {
    String se = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %s}
        spec: {hosts: [payments], ports: [{number: 80, name: http, protocol: HTTP}]}
        """;
    assertError(load("a.yaml", se.formatted("p1"), "b.yaml", se.formatted("p2")),
        "b.yaml doc 0 ServiceEntry default/p2: spec.hosts[0]: host payments is already declared by ServiceEntry default/p1");
  }
}
