package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import dev.meshwork.controlplane.internal.model.PeerAuthentication.MtlsMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerAuthenticationParserTest {
  static String pa(String apiVersion, String namespace, String name, String spec) {
    return """
        apiVersion: %s
        kind: PeerAuthentication
        metadata: {name: %s, namespace: %s}
        spec:
        """.formatted(apiVersion, name, namespace) + spec.indent(2);
  }

  @Test
  void meshNamespaceAndWorkloadPolicies_parse_v1AndV1beta1() {
    var config = assertOk(load(
        "mesh.yaml", pa("security.istio.io/v1", "istio-system", "default", "mtls: {mode: STRICT}"),
        "ns.yaml", pa("security.istio.io/v1beta1", "shop", "default", "mtls: {}"),
        "wl.yaml", pa("security.istio.io/v1", "shop", "pay", "selector: {matchLabels: {app: pay}}\nmtls: {mode: DISABLE}")));
    assertEquals(3, config.peerAuthentications().size());
    PeerAuthentication mesh = config.peerAuthentications().get(0);
    assertEquals("istio-system", mesh.namespace());
    assertEquals(MtlsMode.STRICT, mesh.mode());
    assertEquals(MtlsMode.UNSET, config.peerAuthentications().get(1).mode());
    assertEquals(Map.of("app", "pay"), config.peerAuthentications().get(2).selector());
  }

  @Test
  void errors_nameTheField() {
    var r = load("pa.yaml", pa("security.istio.io/v1", "shop", "x", """
        selector: {matchLabels: {app: pay}, matchExpressions: []}
        mtls: {mode: strict}
        portLevelMtls: {8080: {mode: DISABLE}}
        targetRef: {kind: Service, name: x}
        """));
    assertError(r, "pa.yaml doc 0 PeerAuthentication shop/x: spec.selector.matchExpressions: unknown field (known: matchLabels)");
    assertError(r, "spec.mtls.mode: \"strict\" is not one of UNSET, DISABLE, PERMISSIVE, STRICT (did you mean STRICT?)");
    assertError(r, "spec.portLevelMtls: not supported by Meshwork yet");
    assertError(r, "spec.targetRef: not supported by Meshwork yet");
  }

  @Test
  void secondNamespaceWidePolicy_isAnError_butWorkloadPoliciesMayCoexist() {
    assertError(load(
        "a.yaml", pa("security.istio.io/v1", "istio-system", "a", "mtls: {mode: STRICT}"),
        "b.yaml", pa("security.istio.io/v1", "istio-system", "b", "selector: {matchLabels: {}}")),
        "b.yaml doc 0 PeerAuthentication istio-system/b: spec.selector: a second mesh-wide PeerAuthentication");
    assertOk(load(
        "a.yaml", pa("security.istio.io/v1", "shop", "a", "selector: {matchLabels: {app: a}}"),
        "b.yaml", pa("security.istio.io/v1", "shop", "b", "selector: {matchLabels: {app: b}}")));
  }

  @Test
  void unsupportedVersionAndKind_areErrors() {
    assertError(load("pa.yaml", pa("security.istio.io/v1alpha1", "shop", "x", "mtls: {mode: STRICT}")),
        "apiVersion: \"security.istio.io/v1alpha1\" is not a supported version");
    assertError(load("ra.yaml", """
        apiVersion: security.istio.io/v1
        kind: RequestAuthentication
        metadata: {name: x}
        spec: {}
        """), "kind RequestAuthentication (security.istio.io/v1) is not supported by Meshwork yet");
  }
}
