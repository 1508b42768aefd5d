package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.model.AuthorizationPolicy;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Action;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.Condition;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.From;
import dev.meshwork.controlplane.internal.model.AuthorizationPolicy.To;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyParserTest {
  static LoadResult ap(String spec) {
    return load("ap.yaml", """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: pay, namespace: shop}
        spec:
        """ + spec.indent(2));
  }

  @Test
  void everyField_parsesIntoTheModel() {
    AuthorizationPolicy p = assertOk(ap("""
        selector: {matchLabels: {app: pay}}
        action: DENY
        rules:
        - from:
          - source:
              principals: ["cluster.local/ns/shop/sa/web", "*/sa/admin"]
              notPrincipals: ["cluster.local/ns/shop/*"]
              namespaces: [shop]
              notNamespaces: ["test-*"]
              ipBlocks: [10.0.0.0/8, 192.168.1.1]
              notIpBlocks: ["::1"]
          to:
          - operation:
              paths: [/shop.Pay/Charge, "/shop.Pay/*", "*/Refund", "*"]
              notPaths: [/shop.Pay/Health]
              methods: [POST]
              notMethods: [GET]
              ports: ["8080"]
              notPorts: ["9090"]
          when:
          - key: request.headers[x-user]
            values: [alice]
            notValues: [bob]
          - {key: source.namespace, values: [shop]}
          - {key: source.principal, notValues: ["*"]}
          - {key: source.ip, values: [10.1.0.0/16]}
        - {}
        """)).authorizationPolicies().get(0);
    assertEquals("shop", p.namespace());
    assertEquals(Map.of("app", "pay"), p.selector());
    assertEquals(Action.DENY, p.action());
    assertEquals(2, p.rules().size());
    var r = p.rules().get(0);
    assertEquals(List.of(new From(List.of("cluster.local/ns/shop/sa/web", "*/sa/admin"), List.of("cluster.local/ns/shop/*"),
        List.of("shop"), List.of("test-*"), List.of("10.0.0.0/8", "192.168.1.1"), List.of("::1"))), r.from());
    assertEquals(List.of(new To(List.of("/shop.Pay/Charge", "/shop.Pay/*", "*/Refund", "*"), List.of("/shop.Pay/Health"),
        List.of("POST"), List.of("GET"), List.of(8080), List.of(9090))), r.to());
    assertEquals(new Condition("request.headers[x-user]", List.of("alice"), List.of("bob")), r.when().get(0));
    assertTrue(p.rules().get(1).from().isEmpty() && p.rules().get(1).to().isEmpty());
  }

  @Test
  void defaults_allowWithoutRules() {
    AuthorizationPolicy p = assertOk(ap("{}")).authorizationPolicies().get(0);
    assertEquals(Action.ALLOW, p.action());
    assertTrue(p.rules().isEmpty() && p.selector().isEmpty());
  }

  @Test
  void unsupportedActionsAndFields_areErrorsNamingThePath() {
    assertError(ap("action: AUDIT"), "ap.yaml doc 0 AuthorizationPolicy shop/pay: spec.action: not supported by Meshwork yet: AUDIT");
    assertError(ap("action: CUSTOM\nprovider: {name: ext}"), "spec.action: not supported by Meshwork yet: CUSTOM");
    assertError(ap("action: CUSTOM\nprovider: {name: ext}"), "spec.provider: not supported by Meshwork yet");
    assertError(ap("action: allow"), "spec.action: \"allow\" is not one of ALLOW, DENY, AUDIT, CUSTOM (did you mean ALLOW?)");
    LoadResult r = ap("""
        rules:
        - from:
          - source: {requestPrincipals: ["*"], remoteIpBlocks: [1.2.3.4]}
          - source: {}
          - {}
          to:
          - operation: {hosts: [a.example], paths: ["/a*b"], ports: ["http"]}
          - operation: {paths: ["/x/{*}/y"], methods: []}
          when:
          - {key: "request.auth.claims[iss]", values: [x]}
          - {key: destination.port, values: ["80"]}
          - {key: "request.headers[]", values: [x]}
          - {key: source.principal}
          - {key: source.ip, values: [not-an-ip, 10.0.0.0/33]}
          - {key: "request.headers[grpc-timeout]", values: [x]}
          unknown: 1
        """);
    assertError(r, "spec.rules[0].from[0].source.requestPrincipals: not supported by Meshwork yet");
    assertError(r, "spec.rules[0].from[0].source.remoteIpBlocks: not supported by Meshwork yet");
    assertError(r, "spec.rules[0].from[1].source: must not be empty");
    assertError(r, "spec.rules[0].from[2].source: is required");
    assertError(r, "spec.rules[0].to[0].operation.hosts: not supported by Meshwork yet");
    assertError(r, "spec.rules[0].to[0].operation.paths[0]: \"/a*b\": '*' only as the whole value, a prefix or a suffix");
    assertError(r, "spec.rules[0].to[0].operation.ports[0]: \"http\" is not a port number");
    assertError(r, "spec.rules[0].to[1].operation.paths[0]: \"/x/{*}/y\": not supported by Meshwork yet: path templates");
    assertError(r, "spec.rules[0].to[1].operation.methods: must not be empty");
    assertError(r, "spec.rules[0].when[0].key: \"request.auth.claims[iss]\" is not a condition key");
    assertError(r, "spec.rules[0].when[1].key: not supported by Meshwork yet: destination.port");
    assertError(r, "spec.rules[0].when[2].key: \"request.headers[]\": header name must not be empty");
    assertError(r, "spec.rules[0].when[3]: at least one of values, notValues is required");
    assertError(r, "spec.rules[0].when[4].values[0]: \"not-an-ip\" is not an IP address or CIDR block");
    assertError(r, "spec.rules[0].when[4].values[1]: \"10.0.0.0/33\" has an invalid prefix length");
    assertError(r, "spec.rules[0].when[5].key: \"request.headers[grpc-timeout]\": gRPC does not expose grpc- headers");
    assertError(r, "spec.rules[0].unknown: unknown field");
  }
}
