package dev.meshwork.controlplane.internal.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerListenerNameTest {
  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void identityParameters_areDecoded() {
    String name = ServerListeners.PREFIX + "10.0.0.1:8080&ns=" + enc("shop") + "&sa=" + enc("pay-sa")
        + "&labels=" + enc("app=pay,security.istio.io/tlsMode=istio,version=v1") + "&future=x";
    assertEquals(new ServerListenerName("10.0.0.1", 8080, "shop", "pay-sa",
            Map.of("app", "pay", "security.istio.io/tlsMode", "istio", "version", "v1")),
        ServerListenerName.parse(name));
  }

  @Test
  void grpcDefaultTemplate_isNamespaceDefaultWithoutLabels() {
    assertEquals(new ServerListenerName("::", 9000, "default", "", Map.of()),
        ServerListenerName.parse(ServerListeners.PREFIX + "[::]:9000"));
  }

  @Test
  void otherNames_areNotServerListeners() {
    assertNull(ServerListenerName.parse("reviews"));
    assertNull(ServerListenerName.parse(ServerListeners.PREFIX + "host.example:80"));
    assertNull(ServerListenerName.parse(ServerListeners.PREFIX + "10.0.0.1"));
    assertNull(ServerListenerName.parse(ServerListeners.PREFIX + "10.0.0.1:80&ns=%zz"));
  }
}
