package dev.meshwork.controlplane.internal.config;

import static dev.meshwork.controlplane.internal.config.TestConfigs.assertError;
import static dev.meshwork.controlplane.internal.config.TestConfigs.assertOk;
import static dev.meshwork.controlplane.internal.config.TestConfigs.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwork.controlplane.internal.model.ClientTls;
import dev.meshwork.controlplane.internal.model.DestinationRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientTlsParserTest {
  private static LoadResult dr(String spec) {
    return load("dr.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
        """ + spec.indent(2));
  }

  @Test
  void istioMutualWithSniAndSans_andSubsetDisable() {
    DestinationRule dr = assertOk(dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL, sni: reviews.example, subjectAltNames: ["spiffe://cluster.local/ns/a/sa/b"]}
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy: {tls: {mode: DISABLE}}
        """)).destinationRules().get(0);
    assertEquals(new ClientTls(ClientTls.Mode.ISTIO_MUTUAL, "reviews.example", List.of("spiffe://cluster.local/ns/a/sa/b")),
        dr.trafficPolicy().tls());
    assertEquals(new ClientTls(ClientTls.Mode.DISABLE, null, List.of()),
        dr.trafficPolicy().overriddenBy(dr.subsets().get(0).trafficPolicy()).tls());
  }

  @Test
  void emptyTls_isIstiosDefaultDisable() {
    assertEquals(ClientTls.Mode.DISABLE, assertOk(dr("""
        host: reviews
        trafficPolicy: {tls: {}}
        """)).destinationRules().get(0).trafficPolicy().tls().mode());
  }

  @Test
  void simpleMutualAndFileFields_areErrorsNamingTheField() {
    LoadResult r = dr("""
        host: reviews
        trafficPolicy:
          tls: {mode: MUTUAL, clientCertificate: /c.pem, credentialName: x}
        subsets:
        - name: v1
          trafficPolicy: {tls: {mode: DISABLE, sni: a}}
        - name: v2
          trafficPolicy: {tls: {mode: istio_mutual}}
        """);
    assertError(r, "dr.yaml doc 0 DestinationRule default/reviews: spec.trafficPolicy.tls.mode: not supported by Meshwork yet: MUTUAL");
    assertError(r, "spec.trafficPolicy.tls.clientCertificate: not supported by Meshwork yet");
    assertError(r, "spec.trafficPolicy.tls.credentialName: not supported by Meshwork yet");
    assertError(r, "spec.subsets[0].trafficPolicy.tls.sni: applies only with mode: ISTIO_MUTUAL");
    assertError(r, "spec.subsets[1].trafficPolicy.tls.mode: \"istio_mutual\" is not one of DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL (did you mean ISTIO_MUTUAL?)");
  }
}
