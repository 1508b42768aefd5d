package dev.meshwork.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void certificateTtlFlags_acceptShortAndIsoDurations() {
    assertEquals(Duration.ofHours(24), Main.duration("--cert-ttl", "24h"));
    assertEquals(Duration.ofMinutes(90), Main.duration("--cert-ttl", "90m"));
    assertEquals(Duration.ofSeconds(3600), Main.duration("--cert-ttl", "3600s"));
    assertEquals(Duration.ofDays(2), Main.duration("--cert-ttl", "2d"));
    assertEquals(Duration.ofHours(12), Main.duration("--cert-ttl", "PT12H"));
    assertEquals("--max-cert-ttl: 1w (expected a duration such as 90m, 24h, 3600s)",
        assertThrows(IllegalArgumentException.class, () -> Main.duration("--max-cert-ttl", "1w")).getMessage());
  }
}
