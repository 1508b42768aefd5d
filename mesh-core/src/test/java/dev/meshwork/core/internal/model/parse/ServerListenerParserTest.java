package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbac;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.rbacFilter;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.serverListener;
import static dev.meshwork.core.internal.model.parse.RbacFixtures.tls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.internal.authz.RbacFilter;
import dev.meshwork.core.internal.model.ServerListener;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC.Action;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import org.junit.jupiter.api.Test;

class ServerListenerParserTest {
  static final String NAME = "grpc/server?xds.resource.listening_address=0.0.0.0:9080";
  private final ServerListenerParser parser = new ServerListenerParser();

  @Test
  void tlsModes_fromTransportSocket() throws Exception {
    assertEquals(InboundTls.PLAINTEXT, parser.parse(serverListener(NAME, null)).tls());
    assertEquals(InboundTls.MTLS_REQUIRED, parser.parse(serverListener(NAME, tls(true))).tls());
    assertEquals(InboundTls.TLS, parser.parse(serverListener(NAME, tls(false))).tls());
    assertEquals(ListenerParser.TYPE_URL, parser.typeUrl());
    assertEquals(NAME, parser.name(serverListener(NAME, null)));
  }

  @Test
  void rbacFilters_inChainOrder_withoutRulesLeftOut() throws Exception {
    ServerListener l = parser.parse(serverListener(NAME, tls(true),
        rbacFilter("deny", rbac(Action.DENY, null, null)),
        rbacFilter("noop", RBAC.getDefaultInstance()),
        rbacFilter("allow", rbac(Action.ALLOW, null, null))));
    assertEquals(NAME, l.name());
    assertEquals(2, l.rbac().filters().size());
    assertEquals(RbacFilter.Action.DENY, l.rbac().filters().get(0).action());
    assertEquals(RbacFilter.Action.ALLOW, l.rbac().filters().get(1).action());
    assertTrue(parser.parse(serverListener(NAME, null)).rbac().filters().isEmpty());
  }

  @Test
  void unsupportedTransportSocket_isRejectedNamingIt() {
    TransportSocket raw = TransportSocket.newBuilder().setName("envoy.transport_sockets.alts")
        .setTypedConfig(Any.pack(Empty.getDefaultInstance())).build();
    String msg = assertThrows(InvalidResourceException.class, () -> parser.parse(serverListener(NAME, raw))).getMessage();
    assertEquals("listener " + NAME + ": filter_chains[0].transport_socket envoy.transport_sockets.alts "
        + "(type.googleapis.com/google.protobuf.Empty) is not supported (expected: "
        + "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext)", msg);
  }

  @Test
  void unknownRequiredHttpFilter_twoChains_andClientListener_areRejected() {
    HttpFilter odd = HttpFilter.newBuilder().setName("envoy.filters.http.jwt_authn")
        .setTypedConfig(Any.pack(Empty.getDefaultInstance())).build();
    String msg = assertThrows(InvalidResourceException.class, () -> parser.parse(serverListener(NAME, null, odd))).getMessage();
    assertTrue(msg.contains("filter_chains[0].filters[0].typed_config.http_filters[0] HttpFilter envoy.filters.http.jwt_authn"), msg);
    Listener one = serverListener(NAME, null);
    Listener two = one.toBuilder().addFilterChains(one.getFilterChains(0)).build();
    msg = assertThrows(InvalidResourceException.class, () -> parser.parse(two)).getMessage();
    assertTrue(msg.contains("filter_chains has 2 filter chains"), msg);
    Listener client = XdsFixtures.controlPlaneListener("reviews", false);
    msg = assertThrows(InvalidResourceException.class, () -> parser.parse(client)).getMessage();
    assertTrue(msg.contains("api_listener is set"), msg);
    HttpFilter optional = odd.toBuilder().setIsOptional(true).build();
    assertTrue(assertDoesNotThrow(() -> parser.parse(serverListener(NAME, null, optional))).rbac().filters().isEmpty());
  }

  private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
    return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
  }
}
