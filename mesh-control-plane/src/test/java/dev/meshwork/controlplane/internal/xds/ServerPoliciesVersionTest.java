package dev.meshwork.controlplane.internal.xds;

import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.ap;
import static dev.meshwork.controlplane.internal.xds.SecurityFixtures.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Server listeners are made on request; a policy change must still reach servers that hold theirs. */
class ServerPoliciesVersionTest {
  private static final String SERVER = ServerListeners.PREFIX + "0.0.0.0:8080";

  @Test
  void policyChange_changesTheLdsVersion_andAnswersSubscribedServers() throws Exception {
    XdsSnapshot before = XdsSnapshot.of(XdsTranslator.translate(load(""), List.of()));
    XdsSnapshot same = XdsSnapshot.of(XdsTranslator.translate(load(""), List.of()));
    XdsSnapshot after = XdsSnapshot.of(XdsTranslator.translate(load(ap("default", "deny", "action: DENY\nrules: [{}]")), List.of()));
    String v1 = before.type(ResourceType.LISTENER).version();
    assertEquals(v1, same.type(ResourceType.LISTENER).version());
    assertNotEquals(v1, after.type(ResourceType.LISTENER).version());

    MeshCache cache = new MeshCache(before);
    List<Response> got = new ArrayList<>();
    // The server's ACK of what it holds: nothing to send until something changes.
    cache.createWatch(true, MeshCacheTest.lds(v1, SERVER), Set.of(SERVER), got::add, false, false);
    assertEquals(0, got.size());
    cache.setSnapshot(after);
    assertEquals(1, got.size());
    Listener l = (Listener) got.get(0).resources().iterator().next();
    HttpConnectionManager hcm = l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertEquals("envoy.filters.http.rbac.DENY", hcm.getHttpFilters(0).getName());
  }

  @Test
  void delta_policyChange_resendsTheServerListener() {
    XdsSnapshot before = XdsSnapshot.of(XdsTranslator.translate(load(""), List.of()));
    XdsSnapshot after = XdsSnapshot.of(XdsTranslator.translate(load(ap("default", "deny", "action: DENY\nrules: [{}]")), List.of()));
    MeshCache cache = new MeshCache(before);
    List<io.envoyproxy.controlplane.cache.DeltaResponse> got = new ArrayList<>();
    cache.createDeltaWatch(MeshCacheTest.deltaLds(SERVER), "", Map.of(), Set.of(SERVER), false, got::add, false);
    assertEquals(1, got.size());
    String held = got.get(0).resources().get(SERVER).version();
    cache.createDeltaWatch(MeshCacheTest.deltaLds(), "", Map.of(SERVER, held), Set.of(), false, got::add, false);
    assertEquals(1, got.size());
    cache.setSnapshot(after);
    assertEquals(2, got.size());
    assertNotEquals(held, got.get(1).resources().get(SERVER).version());
  }
}
