package dev.meshwork.core.inbound;

import static dev.meshwork.core.internal.model.parse.RbacFixtures.andIds;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.andRules;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.anyPermission;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.exact;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.method;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.policy;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.prefix;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.principal;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbac;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbacFilter;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.serverListener;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.tls;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.urlPath;
import static io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW;
import static io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.internal.model.parse.RbacFixtures;
import dev.meshwork.core.internal.xds.TypeUrls;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MeshInbound against a real ADS server on loopback: first policy, an update, a NACKed one. */
class MeshInboundTest {
  static final String RATINGS = "spiffe://cluster.local/ns/default/sa/ratings";
  static final String VIEWER = "ns[default]-policy[reviews-viewer]-rule[0]";

  private static MeshSettings settings(String target) {
    return MeshSettings.builder().controlPlane(target).service("reviews").namespace("default")
        .serviceAccount("bookinfo-reviews").build();
  }

  @Test
  void listenerName_encodesNamespaceAccountAndSortedLabels() {
    MeshSettings s = MeshSettings.builder().controlPlane("cp:15010").service("reviews").namespace("team a")
        .serviceAccount("sa").build();
    assertEquals("grpc/server?xds.resource.listening_address=0.0.0.0:9080&ns=team+a&sa=sa"
        + "&labels=app%3Dreviews%2Cversion%3Dv1",
        MeshInbound.listenerName(s, 9080, Map.of("version", "v1", "app", "reviews")));
    assertEquals("grpc/server?xds.resource.listening_address=0.0.0.0:80&ns=team+a&sa=sa",
        MeshInbound.listenerName(s, 80, Map.of()));
  }

  @Test
  void enforcesFirstPolicy_appliesUpdate_keepsLastGoodOnNack() throws Exception {
    MeshOptions options = new MeshOptions(null, Duration.ofMillis(200), System::nanoTime,
        MeshOptions.DEFAULTS.meterRegistry());
    InboundRequest getReviews = InboundRequest.of("GET", "/reviews/1").withPeer(RATINGS);
    try (LoopbackAds ads = new LoopbackAds();
        MeshInbound in = MeshInbound.start(settings(ads.target()), 9080, Map.of("app", "reviews"), options)) {
      String name = in.listenerName();
      DiscoveryRequest subscribe = ads.next();
      assertEquals(TypeUrls.LISTENER, subscribe.getTypeUrl());
      assertEquals(java.util.List.of(name), subscribe.getResourceNamesList());

      AuthzDecision early = in.check(getReviews);
      assertFalse(early.allowed(), "fail closed before the first listener");
      assertEquals(MeshInbound.NO_POLICY_YET, early.reason());

      // v1: STRICT mTLS, ALLOW ratings to GET /reviews/*.
      ads.respond(TypeUrls.LISTENER, "1", serverListener(name, tls(true), rbacFilter("envoy.filters.http.rbac",
          rbac(ALLOW, VIEWER, policy(andRules(urlPath(prefix("/reviews/")), method("GET")), andIds(principal(exact(RATINGS))))))));
      assertAck(ads.next(), "1");
      assertEquals(InboundTls.MTLS_REQUIRED, in.tlsMode());
      AuthzDecision ok = in.check(getReviews);
      assertTrue(ok.allowed());
      assertEquals(VIEWER, ok.policy());
      assertFalse(in.check(InboundRequest.of("DELETE", "/reviews/1").withPeer(RATINGS)).allowed());
      assertFalse(in.check(InboundRequest.of("GET", "/reviews/1")).allowed(), "plaintext peer");

      // v2: plaintext, DENY /reviews/admin, then ALLOW everything.
      Listener v2 = serverListener(name, null,
          rbacFilter("deny", rbac(DENY, "ns[default]-policy[no-admin]-rule[0]",
              policy(urlPath(prefix("/reviews/admin")), RbacFixtures.anyPrincipal()))),
          rbacFilter("allow", rbac(ALLOW, "all", policy(anyPermission(), RbacFixtures.anyPrincipal()))));
      ads.respond(TypeUrls.LISTENER, "2", v2);
      assertAck(ads.next(), "2");
      assertEquals(InboundTls.PLAINTEXT, in.tlsMode());
      assertTrue(in.check(InboundRequest.of("DELETE", "/reviews/1")).allowed());
      AuthzDecision admin = in.check(InboundRequest.of("GET", "/reviews/admin/x"));
      assertFalse(admin.allowed());
      assertEquals("ns[default]-policy[no-admin]-rule[0]", admin.policy());

      // v3: a metadata principal (unsupported): NACKed, v2 stays in force.
      Principal md = Principal.newBuilder().setMetadata(MetadataMatcher.newBuilder().setFilter("istio_authn")).build();
      ads.respond(TypeUrls.LISTENER, "3", serverListener(name, tls(true),
          rbacFilter("allow", rbac(ALLOW, "bad", policy(anyPermission(), md)))));
      DiscoveryRequest nack = ads.next();
      assertEquals("2", nack.getVersionInfo());
      assertTrue(nack.getErrorDetail().getMessage().contains("principals[0].metadata is not supported"),
          nack.getErrorDetail().getMessage());
      assertEquals(InboundTls.PLAINTEXT, in.tlsMode());
      assertTrue(in.check(InboundRequest.of("DELETE", "/reviews/1")).allowed());
      assertFalse(in.check(InboundRequest.of("GET", "/reviews/admin")).allowed());
    }
  }

  private static void assertAck(DiscoveryRequest r, String version) {
    assertEquals(version, r.getVersionInfo());
    assertFalse(r.hasErrorDetail(), r.getErrorDetail().getMessage());
  }
}
