package dev.meshwork.core.internal.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwork.core.engine.MeshRequest;
import dev.meshwork.core.internal.model.RouteModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashKeysTest {
  private static MeshRequest req(Map<String, String> headers, String source) {
    return new MeshRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return "/p";
      }

      @Override
      public String query() {
        return null;
      }

      @Override
      public String header(String name) {
        return headers.get(name);
      }

      @Override
      public String sourceAddress() {
        return source;
      }
    };
  }

  private static RouteModel.HashPolicy header(String name, boolean terminal) {
    return new RouteModel.HashPolicy(name, null, false, terminal);
  }

  private static final RouteModel.HashPolicy SOURCE_IP = new RouteModel.HashPolicy(null, null, true, false);
  private static final RouteModel.HashPolicy COOKIE = new RouteModel.HashPolicy(null, "session", false, false);

  @Test
  void headerHash_isXxHash64OfTheValue_andStable() {
    MeshRequest r = req(Map.of("x-user", "jason"), null);
    assertEquals(XxHash64.hash("jason"), HashKeys.compute(List.of(header("x-user", false)), r));
  }

  @Test
  void noValue_isNoHash() {
    assertEquals(PickContext.NO_HASH, HashKeys.compute(List.of(header("x-user", false), COOKIE, SOURCE_IP), req(Map.of(), null)));
    assertEquals(PickContext.NO_HASH, HashKeys.compute(List.of(), req(Map.of(), null)));
  }

  @Test
  void policiesCombine_rotateAndXor_likeEnvoy() {
    MeshRequest r = req(Map.of("a", "1", "b", "2"), null);
    long expected = Long.rotateLeft(XxHash64.hash("1"), 1) ^ XxHash64.hash("2");
    assertEquals(expected, HashKeys.compute(List.of(header("a", false), header("b", false)), r));
  }

  @Test
  void terminalPolicy_stopsOnceAHashExists() {
    MeshRequest r = req(Map.of("a", "1", "b", "2"), "10.1.2.3");
    assertEquals(XxHash64.hash("1"), HashKeys.compute(List.of(header("a", true), header("b", false)), r));
    // A terminal policy that found nothing does not stop the list.
    assertEquals(XxHash64.hash("2"), HashKeys.compute(List.of(header("missing", true), header("b", false)), r));
    assertEquals(XxHash64.hash("10.1.2.3"), HashKeys.compute(List.of(SOURCE_IP), r));
  }

  @Test
  void cookieHash_readsTheNamedCookie() {
    MeshRequest r = req(Map.of("cookie", "theme=dark; session=\"abc\"; x=1"), null);
    assertEquals(XxHash64.hash("abc"), HashKeys.compute(List.of(COOKIE), r));
    assertNull(HashKeys.cookie("xsession=1; sessionx=2", "session"));
    assertEquals("1", HashKeys.cookie("session=1", "session"));
    assertNotEquals(PickContext.NO_HASH, HashKeys.compute(List.of(COOKIE), req(Map.of("cookie", "session="), null)));
  }
}
