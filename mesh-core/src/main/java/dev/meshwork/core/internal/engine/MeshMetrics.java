package dev.meshwork.core.internal.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The engine's own counters (what the mesh did, as opposed to per-request metrics): retries,
 * retry budget exhausted, circuit-breaker and rate-limit rejections, outlier ejections. Counters
 * are found in two-level maps keyed by strings the call already holds, so counting allocates
 * nothing once a series exists. Thread-safe; {@link #close()} removes every meter registered.
 */
final class MeshMetrics implements AutoCloseable {
  static final String RETRIES = "meshwork.retries";
  static final String BUDGET_EXHAUSTED = "meshwork.retry.budget.exhausted";
  static final String CIRCUIT_OPEN = "meshwork.circuit.breaker.rejections";
  static final String RATE_LIMITED = "meshwork.rate.limited";
  static final String EJECTIONS = "meshwork.outlier.ejections";
  static final String EJECTED = "meshwork.outlier.ejected";

  private final MeterRegistry registry;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final Table retries = new Table(RETRIES, "Retries attempted (attempts after the first)");
  private final Table budget = new Table(BUDGET_EXHAUSTED,
      "Retries refused because the cluster's retry budget or max_retries was spent");
  private final Table circuit = new Table(CIRCUIT_OPEN, "Calls refused because the cluster's circuit was open");
  private final Table rateLimited = new Table(RATE_LIMITED, "Calls refused by a route's local rate limit");

  MeshMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void retry(String destination, String cluster) {
    retries.get(destination, cluster).increment();
  }

  void retryBudgetExhausted(String destination, String cluster) {
    budget.get(destination, cluster).increment();
  }

  void circuitOpen(String destination, String cluster) {
    circuit.get(destination, cluster).increment();
  }

  void rateLimited(String destination, String route) {
    rateLimited.get(destination, route).increment();
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Registers a meter built elsewhere (per-cluster gauges) so {@link #close()} removes it. */
  <M extends Meter> M track(M meter) {
    registered.add(meter);
    return meter;
  }

  @Override
  public void close() {
    registered.forEach(registry::remove);
    registered.clear();
  }

  /** Counters by (destination, cluster or route). */
  private final class Table {
    private final String name;
    private final String description;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> byDestination =
        new ConcurrentHashMap<>();
    private final Function<String, ConcurrentHashMap<String, Counter>> newInner = k -> new ConcurrentHashMap<>();

    Table(String name, String description) {
      this.name = name;
      this.description = description;
    }

    Counter get(String destination, String second) {
      ConcurrentHashMap<String, Counter> inner = byDestination.get(destination);
      if (inner == null) {
        inner = byDestination.computeIfAbsent(destination, newInner);
      }
      Counter c = inner.get(second);
      if (c == null) {
        c = inner.computeIfAbsent(second, s -> track(Counter.builder(name).description(description)
            .tag("destination", destination).tag(name.equals(RATE_LIMITED) ? "route" : "cluster", s)
            .register(registry)));
      }
      return c;
    }
  }
}
