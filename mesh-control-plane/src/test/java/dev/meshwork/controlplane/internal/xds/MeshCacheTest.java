package dev.meshwork.controlplane.internal.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshCacheTest {
  static XdsResources resources(String... listeners) {
    Map<String, Listener> l = new java.util.TreeMap<>();
    for (String n : listeners) {
      l.put(n, Listener.newBuilder().setName(n).build());
    }
    return new XdsResources(l, Map.<String, RouteConfiguration>of(), Map.<String, Cluster>of(),
        Map.<String, ClusterLoadAssignment>of());
  }

  static XdsRequest lds(String version, String... names) {
    return XdsRequest.create(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
        .setVersionInfo(version).addAllResourceNames(List.of(names)).build());
  }

  static io.envoyproxy.controlplane.cache.DeltaXdsRequest deltaLds(String... subscribe) {
    return io.envoyproxy.controlplane.cache.DeltaXdsRequest.create(
        io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(Resources.V3.LISTENER_TYPE_URL).addAllResourceNamesSubscribe(List.of(subscribe)).build());
  }

  @Test
  void waitingWatches_cancelledOrAnswered_areForgotten_andTheRestAnsweredOncePerChange_inOrder() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews")));
    String v1 = cache.snapshot().type(Resources.ResourceType.LISTENER).version();
    List<Integer> answered = new ArrayList<>();
    List<io.envoyproxy.controlplane.cache.Watch> watches = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int id = i;
      watches.add(cache.createWatch(true, lds(v1, "reviews"), Set.of("reviews"), r -> answered.add(id), false, false));
    }
    assertEquals(List.of(), answered, "up to date: all wait");
    watches.get(3).cancel(); // streams that sent another request (or went away)
    watches.get(7).cancel();
    cache.setSnapshot(XdsSnapshot.of(resources("reviews", "ratings")));
    assertEquals(List.of(0, 1, 2, 4, 5, 6, 8, 9), answered);

    // Each stream's next request cancels its answered watch: nothing to do, nothing answered twice.
    watches.forEach(io.envoyproxy.controlplane.cache.Watch::cancel);
    String v2 = cache.snapshot().type(Resources.ResourceType.LISTENER).version();
    answered.clear();
    cache.createWatch(true, lds(v2, "reviews"), Set.of("reviews"), r -> answered.add(100), false, false);
    cache.setSnapshot(XdsSnapshot.of(resources("reviews")));
    assertEquals(List.of(100), answered);
  }

  @Test
  void delta_newlySubscribedUnknownListener_isListedRemoved_once() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews")));
    List<io.envoyproxy.controlplane.cache.DeltaResponse> got = new ArrayList<>();
    cache.createDeltaWatch(deltaLds("reviews", "no-such-service"), "", Map.of(), Set.of("reviews", "no-such-service"),
        false, got::add, false);
    assertEquals(1, got.size());
    assertEquals(Set.of("reviews"), got.get(0).resources().keySet());
    assertEquals(List.of("no-such-service"), got.get(0).removedResources());

    // The ACK's watch: the name is still pending on the server, but saying it again would loop.
    String version = got.get(0).resources().get("reviews").version();
    cache.createDeltaWatch(deltaLds(), "", Map.of("reviews", version), Set.of("no-such-service"), false, got::add,
        false);
    assertEquals(1, got.size());
  }

  @Test
  void delta_nackOfTheCurrentVersion_waitsForANewVersion_insteadOfResendingWhatWasRejected() {
    io.envoyproxy.controlplane.cache.DeltaXdsRequest nack = io.envoyproxy.controlplane.cache.DeltaXdsRequest.create(
        io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(Resources.V3.LISTENER_TYPE_URL).setResponseNonce("7")
            .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("listener reviews: bad")).build());
    XdsSnapshot first = XdsSnapshot.of(resources("reviews"));
    String rejected = first.type(Resources.ResourceType.LISTENER).version();
    MeshCache cache = new MeshCache(first, r -> false, r -> r == nack.v3Request() ? rejected : null, r -> true);
    List<io.envoyproxy.controlplane.cache.DeltaResponse> got = new ArrayList<>();
    // The server still tracks "reviews" at the version the client had before (a NACK commits nothing).
    cache.createDeltaWatch(nack, "", Map.of("reviews", "older"), Set.of(), false, got::add, false);
    assertEquals(0, got.size(), "the rejected version is not sent again");
    cache.setSnapshot(XdsSnapshot.of(resources("reviews")));
    assertEquals(0, got.size(), "nor when a snapshot leaves listeners unchanged");
    cache.setSnapshot(XdsSnapshot.of(resources("reviews", "ratings")));
    assertEquals(1, got.size(), "a new listener version is sent");
  }

  @Test
  void delta_streamThatNamesItsResources_isNotSentEveryListener() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews", "ratings", "details")),
        r -> false, r -> null, r -> false);
    List<io.envoyproxy.controlplane.cache.DeltaResponse> got = new ArrayList<>();
    // java-control-plane says every ADS listener stream is wildcard; the tracker knows better.
    cache.createDeltaWatch(deltaLds("reviews"), "", Map.of(), Set.of("reviews"), true, got::add, false);
    assertEquals(Set.of("reviews"), got.get(0).resources().keySet());
  }

  @Test
  void request_naming_an_unknown_resource_still_gets_the_known_ones() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews", "ratings")));
    List<Response> got = new ArrayList<>();
    cache.createWatch(true, lds("", "reviews", "no-such-service"), Set.of(), got::add, false, false);
    assertEquals(1, got.size());
    assertEquals(List.of("reviews"), got.get(0).resources().stream().map(m -> ((Listener) m).getName()).toList());
  }

  @Test
  void upToDateRequest_waits_untilTheTypeChanges() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews")));
    String v = cache.snapshot().type(Resources.ResourceType.LISTENER).version();
    List<Response> got = new ArrayList<>();
    cache.createWatch(true, lds(v, "reviews"), Set.of("reviews"), got::add, false, false);
    assertTrue(got.isEmpty());
    cache.setSnapshot(XdsSnapshot.of(resources("reviews"))); // same content: same version, no push
    assertTrue(got.isEmpty());
    cache.setSnapshot(XdsSnapshot.of(resources("reviews", "ratings")));
    assertEquals(1, got.size());
    assertNotEquals(v, got.get(0).version());
  }

  @Test
  void versions_areContentHashes_stableAcrossRestarts() {
    String a = XdsSnapshot.of(resources("reviews", "ratings")).type(Resources.ResourceType.LISTENER).version();
    String b = XdsSnapshot.of(resources("ratings", "reviews")).type(Resources.ResourceType.LISTENER).version();
    assertEquals(a, b);
  }

  static XdsRequest ldsAck(String version, String nonce, String... names) {
    return XdsRequest.create(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
        .setVersionInfo(version).setResponseNonce(nonce).addAllResourceNames(List.of(names)).build());
  }

  @Test
  void ackWhileARequestedNameDoesNotExist_waits_insteadOfLooping() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews")));
    String v = cache.snapshot().type(Resources.ResourceType.LISTENER).version();
    List<Response> got = new ArrayList<>();
    // The stream was sent "reviews"; "typo" never existed. Answering this ACK would loop.
    cache.createWatch(true, ldsAck(v, "1", "reviews", "typo"), Set.of("reviews"), got::add, false, false);
    assertTrue(got.isEmpty(), "an ACK must not be answered just because a name does not exist");
    cache.setSnapshot(XdsSnapshot.of(resources("reviews", "typo")));
    assertEquals(1, got.size(), "the name appearing is news");
  }

  @Test
  void nack_isNotAnsweredWithTheSameRejectedResources() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews")));
    List<Response> got = new ArrayList<>();
    XdsRequest nack = XdsRequest.create(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
        .setVersionInfo("previous-good").setResponseNonce("1").addResourceNames("reviews")
        .setErrorDetail(com.google.rpc.Status.newBuilder().setMessage("listener reviews: bad")).build());
    cache.createWatch(true, nack, Set.of("reviews"), got::add, false, false);
    assertTrue(got.isEmpty(), "resending what was just rejected would loop");
    cache.setSnapshot(XdsSnapshot.of(resources("reviews", "ratings")));
    assertEquals(1, got.size(), "a new snapshot is answered");
  }

  @Test
  void fqdnAndPortSpellings_ofAService_getItsListenerUnderTheRequestedName() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources("reviews", "reviews:9080")));
    List<Response> got = new ArrayList<>();
    cache.createWatch(true, lds("", "reviews.default.svc.cluster.local", "reviews.prod.svc:9080", "nope.example.com"),
        Set.of(), got::add, false, false);
    assertEquals(List.of("reviews.default.svc.cluster.local", "reviews.prod.svc:9080"),
        got.get(0).resources().stream().map(m -> ((Listener) m).getName()).toList());
  }

  @Test
  void grpcServerListenerNames_areAnsweredOnRequest() {
    MeshCache cache = new MeshCache(XdsSnapshot.of(resources()));
    List<Response> got = new ArrayList<>();
    cache.createWatch(true, lds("", "grpc/server?xds.resource.listening_address=0.0.0.0:8080",
        "grpc/server?xds.resource.listening_address=[::]:8081"), Set.of(), got::add, false, false);
    List<Listener> ls = got.get(0).resources().stream().map(m -> (Listener) m).toList();
    assertEquals(2, ls.size());
    assertEquals(8080, ls.get(0).getAddress().getSocketAddress().getPortValue());
    assertEquals("::", ls.get(1).getAddress().getSocketAddress().getAddress());
  }
}
