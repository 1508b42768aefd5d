package dev.meshwork.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshSettingsTest {
  @Test
  void controlPlaneWithoutPort_getsTheDefaultXdsPort_ipv6Included() {
    assertEquals("cp.internal:15010", settings("cp.internal").controlPlane());
    assertEquals("[::1]:15010", settings("::1").controlPlane());
    assertEquals("[::1]:9000", settings("[::1]:9000").controlPlane());
    assertEquals("10.0.0.1:9000", settings("10.0.0.1:9000").controlPlane());
  }

  @Test
  void locality_bareValueIsAZone_fullFormSplits() {
    MeshSettings zoneOnly = MeshSettings.builder().controlPlane("cp").service("a").locality("zone-a").build();
    assertEquals(List.of("", "zone-a", ""), List.of(zoneOnly.region(), zoneOnly.zone(), zoneOnly.subZone()));
    MeshSettings full = MeshSettings.builder().controlPlane("cp").service("a").locality("eu/zone-b/rack1").build();
    assertEquals(List.of("eu", "zone-b", "rack1"), List.of(full.region(), full.zone(), full.subZone()));
  }

  @Test
  void instanceId_isGeneratedUniquePerBuild_whenNotGiven() {
    String a = settings("cp").instanceId();
    String b = settings("cp").instanceId();
    assertTrue(a.startsWith("svc-"), a);
    assertTrue(!a.equals(b));
  }

  @Test
  void missingService_isRefusedNamingTheField() {
    var e = assertThrows(IllegalArgumentException.class, () -> MeshSettings.fromEnvironment(Map.of()));
    assertTrue(e.getMessage().startsWith("service:"), e.getMessage());
  }

  @Test
  void bootstrap_carriesNodeIdentityAndTheServerListenerTemplate() {
    MeshSettings s = MeshSettings.builder().controlPlane("10.0.0.1:15010").service("reviews").instanceId("r-1")
        .locality("eu/zone-a").build();
    Map<String, Object> b = XdsBootstrap.of(s);
    @SuppressWarnings("unchecked")
    Map<String, Object> node = (Map<String, Object>) b.get("node");
    assertEquals("r-1", node.get("id"));
    assertEquals("reviews", node.get("cluster"));
    assertEquals(Map.of("region", "eu", "zone", "zone-a", "sub_zone", ""), node.get("locality"));
    assertEquals("grpc/server?xds.resource.listening_address=%s&ns=default&sa=reviews",
        b.get("server_listener_resource_name_template"));
    assertTrue(b.get("xds_servers").toString().contains("10.0.0.1:15010"));
    assertNull(b.get("certificate_providers"), "no identity, no certificate provider");
  }

  @Test
  void bootstrapWithIdentity_hasIstiosDefaultFileWatcherProvider_andLabelsInTheServerListenerName() {
    MeshSettings s = MeshSettings.builder().controlPlane("10.0.0.1:15010").service("reviews").namespace("shop")
        .serviceAccount("reviews-sa").identityToken("t").build();
    Map<String, Object> b = XdsBootstrap.of(s, java.nio.file.Path.of("/run/mesh"), Map.of("version", "v2", "app", "reviews"));
    assertEquals("grpc/server?xds.resource.listening_address=%s&ns=shop&sa=reviews-sa&labels=app%3Dreviews%2Cversion%3Dv2",
        b.get("server_listener_resource_name_template"));
    assertEquals(Map.of("default", Map.of("plugin_name", "file_watcher", "config", Map.of(
        "certificate_file", "/run/mesh/cert-chain.pem", "private_key_file", "/run/mesh/key.pem",
        "ca_certificate_file", "/run/mesh/root-cert.pem", "refresh_interval", "1s"))), b.get("certificate_providers"));
    assertEquals("spiffe://cluster.local/ns/shop/sa/reviews-sa", s.spiffeId());
  }

  private static MeshSettings settings(String cp) {
    return MeshSettings.builder().controlPlane(cp).service("svc").build();
  }
}
