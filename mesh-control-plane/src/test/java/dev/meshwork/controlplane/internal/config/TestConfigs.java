package dev.meshwork.controlplane.internal.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.meshwork.controlplane.internal.model.MeshConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Helpers for loader tests. */
final class TestConfigs {
  private TestConfigs() {}

  /** Loads name/content pairs in order. */
  static LoadResult load(String... namesAndContents) {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      files.put(namesAndContents[i], namesAndContents[i + 1]);
    }
    return ConfigLoader.load(files);
  }

  static String resource(String path) {
    try (InputStream in = TestConfigs.class.getResourceAsStream("/" + path)) {
      assertNotNull(in, path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MeshConfig assertOk(LoadResult r) {
    if (!r.ok()) {
      fail("expected the config to load, got:\n" + all(r));
    }
    assertTrue(r.errors().isEmpty());
    return r.config();
  }

  /** Asserts the config was rejected with an error whose one-line form contains every fragment. */
  static ConfigError assertError(LoadResult r, String... fragments) {
    assertNull(r.config(), "config must be null when there are errors");
    for (ConfigError e : r.errors()) {
      String line = e.toString();
      boolean all = true;
      for (String f : fragments) {
        all &= line.contains(f);
      }
      if (all) {
        return e;
      }
    }
    fail("no error contains " + String.join(" & ", fragments) + "; errors:\n" + all(r));
    return null;
  }

  static String all(LoadResult r) {
    return r.errors().stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }

  /**
   * File vs.yaml: VirtualService default/reviews (hosts [reviews]) whose http list is {@code http},
   * then a DestinationRule defining subsets v1 and v2 of reviews.
   */
  static LoadResult reviewsVirtualService(String http) {
    String vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
        """;
    return load("vs.yaml", vs + http.indent(2) + "---\n" + destinationRule("reviews", "reviews", "v1", "v2"));
  }

  /** A DestinationRule document defining the given subsets (label version=name). */
  static String destinationRule(String name, String host, String... subsets) {
    StringBuilder sb = new StringBuilder("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: %s
        spec:
          host: %s
          subsets:
        """.formatted(name, host));
    for (String s : subsets) {
      sb.append("  - name: ").append(s).append("\n    labels:\n      version: ").append(s).append('\n');
    }
    return sb.toString();
  }
}
