package dev.meshwork.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The access log through slf4j-simple (which writes to whatever System.err is at the time). */
class AccessLogTest {
  static final MeshSettings SETTINGS = MeshSettings.builder().controlPlane("127.0.0.1:1").service("productpage")
      .build();

  static List<String> accessLines(TelemetryOptions options) {
    PrintStream saved = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      MeshTelemetry t = MeshTelemetry.create(SETTINGS, options, new SimpleMeterRegistry());
      ClientObservation c = t.startClient("http", "reviews", "GET", "/reviews/1");
      c.route("r1", "outbound|80|v1|reviews");
      c.attempt("outbound|80|v1|reviews", "10.0.0.1:9080").end("200", null);
      c.end("200", null);
    } finally {
      System.setErr(saved);
    }
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("dev.meshwork.access")).toList();
  }

  @Test
  void enabled_writesOneLinePerCall_withEnvoysFields() {
    List<String> lines = accessLines(TelemetryOptions.DEFAULTS.withAccessLog(true));
    assertEquals(1, lines.size(), lines.toString());
    String line = lines.get(0);
    assertTrue(line.contains("\"GET /reviews/1 HTTP/1.1\" 200 -"), line);
    assertTrue(line.contains("direction=outbound source=productpage destination=reviews route=r1"), line);
    assertTrue(line.contains("cluster=outbound|80|v1|reviews upstream=10.0.0.1:9080 attempts=1"), line);
  }

  @Test
  void offByDefault() {
    assertEquals(List.of(), accessLines(TelemetryOptions.DEFAULTS));
  }
}
