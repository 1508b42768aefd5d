/**
 * Per-call and per-cluster policies with Envoy's semantics, transport-free: retry classification
 * and back-off, retry budgets, circuit breaking, outlier detection, fault injection, local rate
 * limiting and request mirroring.
 *
 * <p>Every policy is built once per config update from the immutable model in
 * {@code dev.meshwork.core.internal.model} and is then shared by all calls: the request path is
 * lock-free and allocates little (decisions are precomputed constants where possible). Time and
 * randomness are always injected ({@link java.util.function.LongSupplier} nano clocks,
 * {@link java.util.random.RandomGenerator}) so tests run on fake clocks without sleeping.
 *
 * <p>Per-cluster state (circuit breaker counters, outlier ejections) lives in the policy object:
 * replacing the object on a CDS update starts that state afresh, as Envoy does when it rebuilds a
 * cluster. Callers that want to keep it across an unchanged config should reuse the old object.
 */
package dev.meshwork.core.internal.policy;
