package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.load;
import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.pa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterTlsTest {
  private static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: pay, namespace: shop}
      spec:
        host: pay
      """;

  static Endpoint instance(String ip, String ns, String sa, Map<String, String> labels) {
    return new Endpoint("pay", ip, Map.of(Endpoint.ANY_PORT, 8080), labels, Locality.NONE, 1, "registry:" + ip, ns, sa);
  }

  static Cluster cluster(MeshConfig c, String name, String trustDomain, Endpoint... endpoints) {
    return XdsTranslator.translate(c, List.of(endpoints), trustDomain).clusters().get(name);
  }

  static List<String> sans(Cluster c) throws Exception {
    assertEquals("envoy.transport_sockets.tls", c.getTransportSocket().getName());
    UpstreamTlsContext ctx = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertEquals(TlsContexts.common(List.of()).toBuilder().clearCombinedValidationContext().build(),
        ctx.getCommonTlsContext().toBuilder().clearCombinedValidationContext().build());
    assertEquals("ROOTCA", ctx.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        .getCaCertificateProviderInstance().getCertificateName());
    @SuppressWarnings("deprecation")
    List<StringMatcher> m = ctx.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        .getMatchSubjectAltNamesList();
    return m.stream().map(StringMatcher::getExact).toList();
  }

  @Test
  void istioMutual_verifiesTheSpiffeIdsOfTheDestinationsWorkloads() throws Exception {
    MeshConfig c = load(DR + "  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n");
    Cluster cl = cluster(c, "outbound|80||pay", "example.org",
        instance("10.0.0.1", "shop", "pay-sa", Map.of()), instance("10.0.0.2", "", "", Map.of()));
    assertEquals(List.of("spiffe://example.org/ns/default/sa/pay", "spiffe://example.org/ns/shop/sa/pay-sa"), sans(cl));
  }

  @Test
  void subjectAltNamesOverride_andSni() throws Exception {
    MeshConfig c = load(DR + "  trafficPolicy: {tls: {mode: ISTIO_MUTUAL, sni: pay.shop, subjectAltNames: [spiffe://x/y]}}\n");
    Cluster cl = cluster(c, "outbound|80||pay", "cluster.local", instance("10.0.0.1", "shop", "pay-sa", Map.of()));
    assertEquals(List.of("spiffe://x/y"), sans(cl));
    assertEquals("pay.shop", cl.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class).getSni());
  }

  @Test
  void autoMtls_whenEveryEndpointIsStrict_unlessTheRuleSaysDisable() throws Exception {
    String strict = pa("shop", "default", "mtls: {mode: STRICT}");
    Endpoint a = instance("10.0.0.1", "shop", "pay", Map.of("version", "v1"));
    Endpoint b = instance("10.0.0.2", "other", "pay", Map.of("version", "v2"));
    assertEquals(List.of("spiffe://cluster.local/ns/shop/sa/pay"), sans(cluster(load(strict), "outbound|80||pay", "cluster.local", a)));
    assertFalse(cluster(load(strict), "outbound|80||pay", "cluster.local", a, b).hasTransportSocket(),
        "a plaintext endpoint keeps the cluster plaintext");
    assertFalse(cluster(load(strict + DR), "outbound|80||pay", "cluster.local").hasTransportSocket(), "no endpoints");
    MeshConfig subsets = load(strict + DR + """
          trafficPolicy: {tls: {mode: DISABLE}}
          subsets:
          - {name: v1, labels: {version: v1}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}
          - {name: v2, labels: {version: v2}, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
        """);
    assertFalse(cluster(subsets, "outbound|80|v1|pay", "cluster.local", a, b).hasTransportSocket(), "DISABLE wins");
    assertEquals(List.of("spiffe://cluster.local/ns/other/sa/pay"), sans(cluster(subsets, "outbound|80|v2|pay", "cluster.local", a, b)));
    assertFalse(cluster(load(""), "outbound|80||pay", "cluster.local", a).hasTransportSocket(), "no policies: plaintext");
  }
}
