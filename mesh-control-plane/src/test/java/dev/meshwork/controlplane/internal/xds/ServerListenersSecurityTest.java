package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.ap;
import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.load;
import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.pa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.meshwork.controlplane.internal.model.MeshConfig;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerListenersSecurityTest {
  private static final String PLAIN = ServerListeners.PREFIX + "0.0.0.0:8080";

  static String name(String ns, String labels) {
    return PLAIN + "&ns=" + ns + "&sa=pay&labels=" + URLEncoder.encode(labels, StandardCharsets.UTF_8);
  }

  static Listener listener(MeshConfig config, String name) {
    return ServerListeners.forName(name, ServerPolicies.of(config, "cluster.local"));
  }

  static HttpConnectionManager hcm(Listener l) throws InvalidProtocolBufferException {
    return l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
  }

  static boolean mtls(Listener l) {
    return l.getFilterChains(0).hasTransportSocket();
  }

  @Test
  @SuppressWarnings("deprecation")
  void strict_downstreamTlsContext_isIstiodsGrpcShape() throws Exception {
    MeshConfig c = load(pa("istio-system", "default", "mtls: {mode: STRICT}"));
    FilterChain chain = listener(c, PLAIN).getFilterChains(0);
    assertEquals("envoy.transport_sockets.tls", chain.getTransportSocket().getName());
    DownstreamTlsContext expected = DownstreamTlsContext.newBuilder()
        .setRequireClientCertificate(BoolValue.of(true))
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                .setInstanceName("default").setCertificateName("default"))
            .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                    .setInstanceName("default").setCertificateName("ROOTCA"))
                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                    .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName("default").setCertificateName("ROOTCA")))))
        .build();
    assertEquals(expected, chain.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class));
    assertFalse(chain.hasFilterChainMatch());
  }

  @Test
  void noPolicies_orPermissive_orDisable_servePlaintext_allowAll() throws Exception {
    assertFalse(mtls(listener(MeshConfig.EMPTY, PLAIN)));
    assertEquals(List.of(XdsNames.ROUTER_FILTER),
        hcm(listener(MeshConfig.EMPTY, PLAIN)).getHttpFiltersList().stream().map(HttpFilter::getName).toList());
    assertFalse(mtls(listener(load(pa("istio-system", "default", "mtls: {mode: PERMISSIVE}")), PLAIN)));
    assertFalse(mtls(listener(load(pa("default", "default", "mtls: {mode: DISABLE}")), PLAIN)));
  }

  @Test
  void permissive_withIstioTlsModeLabel_isMtls_asIstiodDoesForGrpc() {
    MeshConfig c = load(pa("shop", "default", "mtls: {mode: PERMISSIVE}"));
    assertTrue(mtls(listener(c, name("shop", "app=pay,security.istio.io/tlsMode=istio"))));
    assertFalse(mtls(listener(c, name("shop", "app=pay"))));
  }

  @Test
  void workloadBeatsNamespaceBeatsMesh_unsetInherits() {
    MeshConfig c = load(pa("istio-system", "mesh", "mtls: {mode: STRICT}")
        + pa("shop", "ns", "mtls: {mode: DISABLE}")
        + pa("shop", "pay", "selector: {matchLabels: {app: pay}}\nmtls: {mode: STRICT}")
        + pa("shop", "web", "selector: {matchLabels: {app: web}}\nmtls: {mode: UNSET}")
        + pa("istio-system", "ignored", "selector: {matchLabels: {app: web}}\nmtls: {mode: STRICT}"));
    assertTrue(mtls(listener(c, name("shop", "app=pay"))), "workload STRICT over namespace DISABLE");
    assertFalse(mtls(listener(c, name("shop", "app=web"))), "UNSET inherits namespace DISABLE; root selector ignored");
    assertTrue(mtls(listener(c, name("other", "app=web"))), "mesh STRICT elsewhere");
    assertTrue(mtls(listener(c, PLAIN)), "plain gRPC names are namespace default");
  }

  @Test
  void rbac_denyFilterFirst_thenAllow_thenRouter_withIstiodPolicyShapes() throws Exception {
    MeshConfig c = load(ap("shop", "deny-admin", """
        action: DENY
        rules:
        - to: [{operation: {paths: ["/shop.Pay/Admin*"]}}]
        """) + ap("istio-system", "allow-shop", """
        rules:
        - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"], notNamespaces: [test]}}]
          to: [{operation: {paths: [/shop.Pay/Charge], methods: [POST]}}]
          when: [{key: "request.headers[x-user]", values: ["*"]}]
        """) + ap("other", "not-selected", "action: DENY\nrules: [{}]"));
    HttpConnectionManager h = hcm(listener(c, name("shop", "app=pay")));
    assertEquals(List.of("envoy.filters.http.rbac.DENY", "envoy.filters.http.rbac", XdsNames.ROUTER_FILTER),
        h.getHttpFiltersList().stream().map(HttpFilter::getName).toList());
    RBAC deny = rules(h.getHttpFilters(0));
    assertEquals(RBAC.Action.DENY, deny.getAction());
    assertEquals(Policy.newBuilder()
        .addPermissions(Permission.newBuilder().setAndRules(Permission.Set.newBuilder()
            .addRules(Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addRules(Permission.newBuilder()
                .setUrlPath(PathMatcher.newBuilder().setPath(StringMatcher.newBuilder().setPrefix("/shop.Pay/Admin"))))))))
        .addPrincipals(Principal.newBuilder().setAny(true))
        .build(), deny.getPoliciesOrThrow("shop-deny-admin-0"));
    RBAC allow = rules(h.getHttpFilters(1));
    assertEquals(RBAC.Action.ALLOW, allow.getAction());
    Policy p = allow.getPoliciesOrThrow("istio-system-allow-shop-0");
    assertEquals(Principal.newBuilder().setAndIds(Principal.Set.newBuilder()
        .addIds(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(authenticated(
            StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/shop/sa/web").build()))))
        .addIds(Principal.newBuilder().setNotId(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(
            authenticated(regex(".*/ns/test/.*"))))))
        .addIds(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addIds(Principal.newBuilder().setHeader(
            io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName("x-user").setPresentMatch(true))))))
        .build(), p.getPrincipals(0));
    assertEquals(":method", p.getPermissions(0).getAndRules().getRules(1).getOrRules().getRules(0).getHeader().getName());
    // The DENY policy of namespace "other" does not select shop's workload.
    assertEquals(1, deny.getPoliciesCount());
  }

  @Test
  void allowPolicyWithoutRules_allowsNothing_emptyRuleAllowsAll() throws Exception {
    HttpConnectionManager none = hcm(listener(load(ap("shop", "nothing", "{}")), name("shop", "app=pay")));
    assertEquals("envoy.filters.http.rbac", none.getHttpFilters(0).getName());
    RBAC r = rules(none.getHttpFilters(0));
    assertEquals(RBAC.Action.ALLOW, r.getAction());
    assertEquals(0, r.getPoliciesCount(), "an ALLOW RBAC without policies denies every request");

    RBAC all = rules(hcm(listener(load(ap("shop", "all", "rules: [{}]")), name("shop", "app=pay"))).getHttpFilters(0));
    assertEquals(Policy.newBuilder().addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setAny(true)).build(), all.getPoliciesOrThrow("shop-all-0"));
  }

  @Test
  void selectorMustBeASubsetOfTheWorkloadsLabels() throws Exception {
    MeshConfig c = load(ap("shop", "pay-only", "selector: {matchLabels: {app: pay}}\naction: DENY\nrules: [{}]"));
    assertEquals(2, hcm(listener(c, name("shop", "app=pay,version=v1"))).getHttpFiltersCount());
    assertEquals(1, hcm(listener(c, name("shop", "app=web"))).getHttpFiltersCount());
  }

  @Test
  void principalWildcards_andTrustDomainAlias() {
    assertEquals(authenticated(regex(".+")), RbacRules.principal("*", "cluster.local"));
    assertEquals(authenticated(regex("spiffe://.*/sa/admin")), RbacRules.principal("*/sa/admin", "cluster.local"));
    assertEquals(authenticated(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/ns/shop/").build()),
        RbacRules.principal("cluster.local/ns/shop/*", "cluster.local"));
    assertEquals(Principal.newBuilder().setOrIds(Principal.Set.newBuilder()
            .addIds(authenticated(StringMatcher.newBuilder().setExact("spiffe://cluster.local/ns/a/sa/b").build()))
            .addIds(authenticated(StringMatcher.newBuilder().setExact("spiffe://example.org/ns/a/sa/b").build()))).build(),
        RbacRules.principal("cluster.local/ns/a/sa/b", "example.org"));
  }

  private static RBAC rules(HttpFilter f) throws InvalidProtocolBufferException {
    return f.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class).getRules();
  }

  private static Principal authenticated(StringMatcher m) {
    return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
  }

  private static StringMatcher regex(String re) {
    return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(re)).build();
  }
}
