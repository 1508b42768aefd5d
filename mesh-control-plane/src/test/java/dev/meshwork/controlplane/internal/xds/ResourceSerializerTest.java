package dev.meshwork.controlplane.internal.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceSerializerTest {
  @Test
  void aResourceSentToManyStreams_isPackedOnce() throws Exception {
    ResourceSerializer s = new ResourceSerializer();
    RouteConfiguration reviews = RouteConfiguration.newBuilder().setName("reviews").build();
    Any first = s.serialize(reviews, ApiVersion.V3);
    for (int stream = 0; stream < 100; stream++) {
      assertSame(first, s.serialize(reviews, ApiVersion.V3));
    }
    assertEquals(Any.pack(reviews), first);
    assertEquals(reviews, first.unpack(RouteConfiguration.class));
    assertEquals(1, s.size());
  }

  @Test
  void eachInstance_isPackedForItself_byIdentity_notByContent() {
    ResourceSerializer s = new ResourceSerializer();
    RouteConfiguration a = RouteConfiguration.newBuilder().setName("reviews").build();
    RouteConfiguration b = RouteConfiguration.newBuilder().setName("reviews").build();
    RouteConfiguration c = RouteConfiguration.newBuilder().setName("ratings").build();
    Any pa = s.serialize(a, ApiVersion.V3);
    Any pb = s.serialize(b, ApiVersion.V3);
    assertNotSame(pa, pb);
    assertEquals(pa, pb);
    assertEquals(Any.pack(c), s.serialize(c, ApiVersion.V3));
    // The collection form java-control-plane calls per response, in order.
    assertEquals(List.of(pa, Any.pack(c)), List.copyOf(s.serialize(List.of(a, c), ApiVersion.V3)));
  }
}
