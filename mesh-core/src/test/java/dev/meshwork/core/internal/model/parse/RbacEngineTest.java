package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.RbacFixtures.andIds;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.andRules;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.anyPermission;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.anyPrincipal;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.exact;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.header;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.method;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.policy;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.prefix;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.principal;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbac;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.regex;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.urlPath;
import static io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW;
import static io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import dev.meshwork.core.internal.authz.RbacChain;
import dev.meshwork.core.internal.authz.RbacFilter;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class RbacEngineTest {
  static final String RATINGS = "spiffe://cluster.local/ns/default/sa/ratings";
  static final String OTHER_NS = "spiffe://cluster.local/ns/prod/sa/ratings";
  static final String VIEWER = "ns[default]-policy[reviews-viewer]-rule[0]";

  private static RbacChain chain(RBAC... filters) {
    return new RbacChain(Arrays.stream(filters).map(RbacParser::filter).filter(Objects::nonNull).toList());
  }

  private static InboundRequest get(String path, String peer) {
    return InboundRequest.of("GET", path).withPeer(peer);
  }

  /** AuthorizationPolicy reviews-viewer: from principals [ratings], to GET /reviews/*. */
  private static Policy viewer() {
    return policy(andRules(urlPath(prefix("/reviews/")), method("GET")), andIds(principal(exact(RATINGS))));
  }

  @Test
  void allow_exactPrincipal_pathPrefix_method() {
    RbacChain c = chain(rbac(ALLOW, VIEWER, viewer()));
    AuthzDecision ok = c.evaluate(get("/reviews/1?x=1", RATINGS));
    assertTrue(ok.allowed());
    assertEquals(VIEWER, ok.policy());
    assertFalse(c.evaluate(InboundRequest.of("POST", "/reviews/1").withPeer(RATINGS)).allowed(), "method");
    assertFalse(c.evaluate(get("/details/1", RATINGS)).allowed(), "path");
    assertFalse(c.evaluate(get("/reviews/1", OTHER_NS)).allowed(), "principal");
    AuthzDecision plaintext = c.evaluate(get("/reviews/1", null));
    assertFalse(plaintext.allowed(), "unauthenticated peer");
    assertNull(plaintext.policy());
    assertEquals("no ALLOW policy matched", plaintext.reason());
  }

  @Test
  void namespaces_asIstiodRegex_andPrincipalPrefix() {
    RbacChain ns = chain(rbac(ALLOW, "ns", policy(anyPermission(), andIds(principal(regex(".*/ns/default/.*"))))));
    assertTrue(ns.evaluate(get("/", RATINGS)).allowed());
    assertFalse(ns.evaluate(get("/", OTHER_NS)).allowed());
    RbacChain pre = chain(rbac(ALLOW, "pre", policy(anyPermission(), principal(prefix("spiffe://cluster.local/ns/prod/")))));
    assertTrue(pre.evaluate(get("/", OTHER_NS)).allowed());
    assertFalse(pre.evaluate(get("/", RATINGS)).allowed());
  }

  @Test
  void denyBeforeAllow_denyWins() {
    Policy denyAdmin = policy(urlPath(prefix("/reviews/admin")), anyPrincipal());
    RbacChain c = chain(rbac(DENY, "ns[default]-policy[no-admin]-rule[0]", denyAdmin),
        rbac(ALLOW, VIEWER, viewer()));
    AuthzDecision d = c.evaluate(get("/reviews/admin", RATINGS));
    assertFalse(d.allowed());
    assertEquals("ns[default]-policy[no-admin]-rule[0]", d.policy());
    assertTrue(c.evaluate(get("/reviews/2", RATINGS)).allowed());
  }

  @Test
  void emptyAllow_deniesAll_andNoRulesDoesNothing() {
    RbacChain denyAll = chain(rbac(ALLOW, null, null));
    assertFalse(denyAll.evaluate(get("/", RATINGS)).allowed());
    assertEquals(1, denyAll.filters().size());
    RbacChain none = chain(RBAC.getDefaultInstance());
    assertTrue(none.filters().isEmpty());
    assertTrue(none.evaluate(get("/", null)).allowed());
    RbacChain emptyDeny = chain(rbac(DENY, null, null));
    assertTrue(emptyDeny.evaluate(get("/", null)).allowed());
  }

  @Test
  void notRule_andHeaders() {
    // istiod's notPaths: not_rule; headers: a request header with a value matcher.
    Permission notHealth = Permission.newBuilder().setNotRule(urlPath(exact("/healthz"))).build();
    Permission version = header(HeaderMatcher.newBuilder().setName("X-Version").setStringMatch(prefix("v2")).build());
    RbacChain c = chain(rbac(ALLOW, "p", policy(andRules(notHealth, version), anyPrincipal())));
    InboundRequest v2 = InboundRequest.of("GET", "/x").withHeaders(InboundRequest.Headers.of(Map.of("x-version", "v2.1")));
    assertTrue(c.evaluate(v2).allowed());
    assertFalse(c.evaluate(InboundRequest.of("GET", "/healthz").withHeaders(v2.headers())).allowed());
    assertFalse(c.evaluate(InboundRequest.of("GET", "/x")).allowed(), "missing header");
    Permission inverted = header(HeaderMatcher.newBuilder().setName(":path").setPrefixMatch("/admin").setInvertMatch(true).build());
    RbacChain inv = chain(rbac(ALLOW, "inv", policy(inverted, anyPrincipal())));
    assertTrue(inv.evaluate(get("/public?admin", null)).allowed());
    assertFalse(inv.evaluate(get("/admin/x", null)).allowed());
    Permission present = header(HeaderMatcher.newBuilder().setName("authorization").setPresentMatch(true).build());
    RbacChain pres = chain(rbac(DENY, "no-auth-header", policy(present, anyPrincipal())));
    assertFalse(pres.evaluate(InboundRequest.of("GET", "/").withHeaders(n -> n.equals("authorization") ? "x" : null)).allowed());
  }

  @Test
  void ips_ports_andAuthenticatedWithoutName() throws Exception {
    CidrRange tenNet = CidrRange.newBuilder().setAddressPrefix("10.1.0.0").setPrefixLen(UInt32Value.of(16)).build();
    Principal fromTen = Principal.newBuilder().setRemoteIp(tenNet).build();
    Permission port = Permission.newBuilder().setDestinationPort(9080).build();
    RbacChain c = chain(rbac(ALLOW, "ip", policy(port, fromTen)));
    InetAddress local = InetAddress.getByName("127.0.0.1");
    InboundRequest in = InboundRequest.of("GET", "/").withAddresses(InetAddress.getByName("10.1.200.3"), local, 9080);
    assertTrue(c.evaluate(in).allowed());
    assertFalse(c.evaluate(in.withAddresses(InetAddress.getByName("10.2.0.1"), local, 9080)).allowed());
    assertFalse(c.evaluate(in.withAddresses(InetAddress.getByName("10.1.0.1"), local, 9081)).allowed());
    assertFalse(c.evaluate(in.withAddresses(InetAddress.getByName("::1"), local, 9080)).allowed(), "other family");
    Principal anyAuthenticated = Principal.newBuilder().setAuthenticated(Principal.Authenticated.getDefaultInstance()).build();
    RbacChain mtls = chain(rbac(ALLOW, "mtls", policy(anyPermission(), anyAuthenticated)));
    assertTrue(mtls.evaluate(get("/", "CN=legacy")).allowed());
    assertFalse(mtls.evaluate(get("/", null)).allowed());
  }

  @Test
  void logAction_decidesNothing_andPoliciesAreTriedInNameOrder() {
    assertNull(RbacParser.filter(rbac(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.LOG, "p", viewer())));
    RBAC two = RBAC.newBuilder().setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder().setAction(DENY)
        .putPolicies("b", policy(anyPermission(), anyPrincipal()))
        .putPolicies("a", policy(anyPermission(), anyPrincipal()))).build();
    RbacFilter f = RbacParser.filter(two);
    assertEquals("a", f.evaluate(get("/", null)).policy());
  }
}
