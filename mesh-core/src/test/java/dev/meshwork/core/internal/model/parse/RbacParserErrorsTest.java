package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.RbacFixtures.anyPermission;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.anyPrincipal;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.policy;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbac;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbacFilter;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.regex;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.serverListener;
import static io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import org.junit.jupiter.api.Test;

/** Unsupported or invalid RBAC config NACKs the listener with the field path. */
class RbacParserErrorsTest {
  private final ServerListenerParser parser = new ServerListenerParser();

  private String error(Policy p) {
    var l = serverListener("inbound", null, rbacFilter("envoy.filters.http.rbac", rbac(ALLOW, "p1", p)));
    return assertThrows(InvalidResourceException.class, () -> parser.parse(l)).getMessage();
  }

  @Test
  void metadataPrincipal_isRejectedNamingTheField() {
    Principal md = Principal.newBuilder().setMetadata(MetadataMatcher.newBuilder().setFilter("istio_authn")).build();
    assertEquals("listener inbound: filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.rules"
        + ".policies[\"p1\"].principals[0].metadata is not supported", error(policy(anyPermission(), md)));
  }

  @Test
  void requestedServerName_condition_badRegex_badCidr_areRejected() {
    Permission sni = Permission.newBuilder().setRequestedServerName(regex("x")).build();
    assertEquals(true, error(policy(sni, anyPrincipal())).endsWith("permissions[0].requested_server_name is not supported"));
    Policy cond = policy(anyPermission(), anyPrincipal()).toBuilder()
        .setCondition(com.google.api.expr.v1alpha1.Expr.getDefaultInstance()).build();
    assertEquals(true, error(cond).endsWith(".policies[\"p1\"].condition is not supported"));
    Principal badRegex = RbacFixtures.principal(regex("("));
    assertEquals(true, error(policy(anyPermission(), badRegex))
        .contains("principals[0].authenticated.principal_name.safe_regex.regex \"(\" is not a valid RE2 regex"));
    Principal badIp = Principal.newBuilder().setDirectRemoteIp(
        io.envoyproxy.envoy.config.core.v3.CidrRange.newBuilder().setAddressPrefix("example.com")).build();
    assertEquals(true, error(policy(anyPermission(), badIp))
        .endsWith("principals[0].direct_remote_ip.address_prefix \"example.com\" is not an IP address"));
    Permission nested = Permission.newBuilder().setAndRules(Permission.Set.newBuilder()
        .addRules(Permission.newBuilder().setMetadata(MetadataMatcher.getDefaultInstance()))).build();
    assertEquals(true, error(policy(nested, anyPrincipal())).endsWith("permissions[0].and_rules.rules[0].metadata is not supported"));
  }
}
