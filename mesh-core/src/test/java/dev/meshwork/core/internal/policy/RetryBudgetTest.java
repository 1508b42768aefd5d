package dev.meshwork.core.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.internal.model.ClusterModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryBudgetTest {
  static int drain(RetryBudget budget) {
    int n = 0;
    while (budget.tryAcquireRetry()) {
      n++;
    }
    return n;
  }

  @ParameterizedTest(name = "{0} active requests")
  @ValueSource(ints = {0, 1, 5, 14, 15, 16, 50, 99, 100, 1000})
  void twentyPercentBudget_allowsMaxOfThreeAndOneFifthOfActive(int active) {
    RetryBudget budget = RetryBudget.percentOfActive("reviews", 20.0, 3);
    for (int i = 0; i < active; i++) {
      budget.requestStarted();
    }
    assertEquals(Math.max(3, active / 5), drain(budget));
  }

  @Test
  void budgetFollowsActiveRequests_andReleasedRetriesFreeSlots() {
    RetryBudget budget = RetryBudget.percentOfActive("reviews", 20.0, 3);
    for (int i = 0; i < 50; i++) {
      budget.requestStarted();
    }
    assertEquals(10, drain(budget));
    budget.releaseRetry();
    assertTrue(budget.tryAcquireRetry());
    assertFalse(budget.tryAcquireRetry());
    for (int i = 0; i < 5; i++) {
      budget.requestStarted();
    }
    assertEquals(1, drain(budget), "55 active -> 11 retries");
    for (int i = 0; i < 55; i++) {
      budget.requestFinished();
    }
    assertEquals(3, budget.limit(), "never below min_retry_concurrency");
    assertFalse(budget.tryAcquireRetry(), "11 in flight already");
  }

  @Test
  void fixedMaxRetries_ignoresActiveRequests() {
    RetryBudget budget = RetryBudget.fixed("reviews", 3);
    for (int i = 0; i < 1000; i++) {
      budget.requestStarted();
    }
    assertEquals(3, drain(budget));
    assertEquals("retry budget exhausted: cluster reviews has 3 retries in flight (max_retries 3)",
        budget.exhaustedMessage());
  }

  @Test
  void of_prefersTheBudgetOverMaxRetries_likeEnvoy() {
    RetryBudget withBudget = RetryBudget.of("c", new ClusterModel.Thresholds(1024, 1024, 1024, 1),
        new ClusterModel.RetryBudget(50.0, 2));
    for (int i = 0; i < 10; i++) {
      withBudget.requestStarted();
    }
    assertEquals(5, drain(withBudget));
    assertEquals(1, drain(RetryBudget.of("c", new ClusterModel.Thresholds(1024, 1024, 1024, 1), null)));
    assertEquals(3, drain(RetryBudget.of("c", null, null)), "Envoy default max_retries");
  }

  @Test
  void exhaustedMessage_namesBudgetAndActiveRequests() {
    RetryBudget budget = RetryBudget.percentOfActive("outbound|80||reviews", 20.0, 3);
    drain(budget);
    assertEquals("retry budget exhausted: cluster outbound|80||reviews has 3 retries in flight (retry_budget 20.0% of 0"
        + " active requests, min_retry_concurrency 3)", budget.exhaustedMessage());
  }

  @Test
  void unmatchedRelease_isABug() {
    RetryBudget budget = RetryBudget.fixed("c", 3);
    assertThrows(IllegalStateException.class, budget::releaseRetry);
    assertEquals(0, budget.activeRetries());
  }

  @Test
  void invalidSettings_rejected() {
    assertEquals("budgetPercent: 120.0 (expected: 0..100)",
        assertThrows(IllegalArgumentException.class, () -> RetryBudget.percentOfActive("c", 120, 3)).getMessage());
    assertEquals("maxRetries: -1 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> RetryBudget.fixed("c", -1)).getMessage());
  }
}
