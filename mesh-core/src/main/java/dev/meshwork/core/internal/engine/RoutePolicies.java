package dev.meshwork.core.internal.engine;

import dev.meshwork.core.internal.policy.FaultInjector;
import dev.meshwork.core.internal.policy.LocalRateLimiter;
import dev.meshwork.core.internal.policy.MirrorDecider;
import dev.meshwork.core.internal.policy.RetryPolicy;
import dev.meshwork.core.internal.route.RouteSelection;

/**
 * The policy objects of one route selection, built on first use and kept as long as the route
 * configuration: the rate limiter's bucket must outlive single requests.
 *
 * @param fault null when the route injects no fault
 * @param rateLimiter null when the route is not rate limited
 */
record RoutePolicies(RetryPolicy retry, FaultInjector fault, LocalRateLimiter rateLimiter, MirrorDecider mirrors) {
  /** Reads only what all selections of a route share: its action and its resolved fault and rate limit. */
  static RoutePolicies of(RouteSelection sel, java.util.function.LongSupplier nanoClock) {
    var action = sel.route().action();
    String name = sel.route().name().isEmpty()
        ? "unnamed route of virtual host " + sel.virtualHost().name()
        : "route " + sel.route().name();
    return new RoutePolicies(
        action.retry() == null ? RetryPolicy.NONE : RetryPolicy.of(action.retry()),
        sel.fault() == null ? null : new FaultInjector(sel.fault()),
        sel.rateLimit() == null ? null : new LocalRateLimiter(name, sel.rateLimit(), nanoClock),
        action.mirrors().isEmpty() ? MirrorDecider.NONE : new MirrorDecider(action.mirrors()));
  }
}
