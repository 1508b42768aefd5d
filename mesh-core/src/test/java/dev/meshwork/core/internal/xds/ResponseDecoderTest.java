package dev.meshwork.core.internal.xds;

import static dev.meshwork.core.internal.xds.TestParsers.LISTENERS;
import static dev.meshwork.core.internal.xds.TestParsers.cluster;
import static dev.meshwork.core.internal.xds.TestParsers.listener;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResponseDecoderTest {
  @Test
  void unwrapsResourceWrappers_andParsesOnlySubscribedNames() {
    Any wrapped = Any.pack(Resource.newBuilder().setName("a").setResource(Any.pack(listener("a", "x"))).build());
    ResponseDecoder.Result r = ResponseDecoder.decode(LISTENERS,
        List.of(wrapped, Any.pack(listener("bad-unwatched", "x"))), Set.of("a"));
    assertTrue(r.accepted(), r.errorDetail());
    assertEquals(listener("a", "x"), r.valid().get("a").value());
    assertEquals(Any.pack(listener("a", "x")), r.valid().get("a").raw());
  }

  @Test
  void wrongTypeOrGarbage_isAnUnnamedError() {
    Any garbage = Any.newBuilder().setTypeUrl(TypeUrls.LISTENER).setValue(ByteString.copyFromUtf8("\u00ff\u00ff")).build();
    ResponseDecoder.Result r = ResponseDecoder.decode(LISTENERS, List.of(Any.pack(cluster("c")), garbage), Set.of("c"));
    assertEquals(2, r.unnamed().size(), r.errorDetail());
    assertTrue(r.errorDetail().startsWith("resources[0] (type.googleapis.com/envoy.config.cluster.v3.Cluster)"),
        r.errorDetail());
  }

  @Test
  void duplicateNames_rejectBothCopies() {
    ResponseDecoder.Result r = ResponseDecoder.decode(LISTENERS,
        List.of(Any.pack(listener("a", "x")), Any.pack(listener("a", "y"))), Set.of("a"));
    assertEquals(Set.of(), r.valid().keySet());
    assertEquals("a: duplicate resource name in one response", r.errorDetail());
  }
}
