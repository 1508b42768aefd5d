package dev.meshwork.controlplane.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.api.registry.v1.Instance;
import dev.meshwork.controlplane.internal.model.Endpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InstanceRegistryTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final AtomicInteger changes = new AtomicInteger();
  final InstanceRegistry registry = new InstanceRegistry(now::get, Duration.ofSeconds(10), Duration.ofMillis(200),
      Duration.ofMinutes(5), changes::incrementAndGet);

  static Instance instance(String id) {
    return Instance.newBuilder().setInstanceId(id).setService("reviews.default.svc.cluster.local")
        .setAddress("127.0.0.1").setPort(9080).putLabels("version", "v2").setLocality("eu/zone-a").build();
  }

  @Test
  void registeredInstance_becomesAnEndpointOfItsNormalisedService() {
    registry.register(instance("a"), Duration.ofSeconds(3));
    Endpoint e = registry.endpoints().get(0);
    assertEquals("reviews", e.service());
    assertEquals(9080, e.portFor(80));
    assertEquals("zone-a", e.locality().zone());
    assertEquals("v2", e.labels().get("version"));
    assertEquals(1, changes.get());
  }

  @Test
  void leaseLapses_afterTtlWithoutHeartbeat_butNotBefore() {
    var reg = registry.register(instance("a"), Duration.ofSeconds(3));
    now.addAndGet(Duration.ofMillis(2900).toNanos());
    registry.expireLapsed();
    assertEquals(1, registry.endpoints().size());
    assertNotNull(registry.heartbeat(reg.leaseId()));
    now.addAndGet(Duration.ofMillis(2900).toNanos());
    registry.expireLapsed();
    assertEquals(1, registry.endpoints().size(), "heartbeat renewed the lease");
    now.addAndGet(Duration.ofMillis(200).toNanos());
    registry.expireLapsed();
    assertTrue(registry.endpoints().isEmpty());
    assertNull(registry.heartbeat(reg.leaseId()), "a lapsed lease cannot be renewed");
  }

  @Test
  void deregister_removesAtOnce_andReRegistrationReplacesTheOldLease() {
    var first = registry.register(instance("a"), null);
    var second = registry.register(instance("a"), null);
    assertEquals(1, registry.endpoints().size());
    assertNull(registry.heartbeat(first.leaseId()));
    assertTrue(registry.deregister(second.leaseId()));
    assertTrue(registry.endpoints().isEmpty());
  }

  @Test
  void ttl_isClampedToBounds() {
    assertEquals(Duration.ofMillis(200).toNanos(), registry.register(instance("a"), Duration.ofMillis(1)).ttlNanos());
    assertEquals(Duration.ofSeconds(10).toNanos(), registry.register(instance("b"), null).ttlNanos());
  }

  @Test
  void badInstance_isRefusedNamingTheField() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> registry.register(instance("a").toBuilder().setPort(0).build(), null));
    assertEquals("instance.port: 0 (expected: 1..65535)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> registry.register(instance("a").toBuilder().setAddress("example.com").build(), null));
    assertTrue(e.getMessage().startsWith("instance.address"));
  }
}
