package dev.meshwork.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OkHttpAttemptTest {
  @Test
  void shadowAuthority_isEnvoys_hostSuffixedBeforeThePort() {
    assertEquals("reviews-shadow", OkHttpAttempt.shadow("reviews"));
    assertEquals("reviews-shadow:8080", OkHttpAttempt.shadow("reviews:8080"));
    assertEquals("reviews.default.svc-shadow:9080", OkHttpAttempt.shadow("reviews.default.svc:9080"));
    assertEquals("[::1]-shadow:8080", OkHttpAttempt.shadow("[::1]:8080"));
    assertEquals("[::1]-shadow", OkHttpAttempt.shadow("[::1]"));
  }
}
