package dev.meshwork.core.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.MeshSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Issue "telemetry" test 4, the part that can be asserted without a benchmark: with telemetry
 * disabled, observing a call costs no allocation and records nothing (the enabled cost is measured
 * by the benchmarks).
 */
class DisabledTelemetryTest {
  @Test
  void disabledTelemetry_allocatesNothingPerCall_andRecordsNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MeshTelemetry t = MeshTelemetry.create(MeshSettings.builder().controlPlane("127.0.0.1:1").service("a").build(),
        TelemetryOptions.DISABLED, registry);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    observe(t, 10_000); // warm up: class loading and JIT allocate
    long before = threads.getThreadAllocatedBytes(self);
    observe(t, 100_000);
    long allocated = threads.getThreadAllocatedBytes(self) - before;
    // The measurement itself allocates a few hundred bytes at most; 100,000 calls at even one
    // small object each would be megabytes.
    assertTrue(allocated < 4_096, "disabled telemetry allocated " + allocated + " bytes over 100,000 calls");
    assertEquals(0, registry.getMeters().size(), "no meters registered");
  }

  private static void observe(MeshTelemetry t, int calls) {
    for (int i = 0; i < calls; i++) {
      ClientObservation call = t.startClient("http", "reviews", "GET", "/reviews/1");
      call.route("default", "outbound|80|v1|reviews");
      AttemptObservation attempt = call.attempt("outbound|80|v1|reviews", "127.0.0.1:8080");
      attempt.end("200", null);
      call.end("200", null);
    }
  }
}
