package dev.meshwork.core.internal.engine;

import dev.meshwork.core.internal.lb.ActiveRequests;
import dev.meshwork.core.internal.lb.PriorityPicker;
import dev.meshwork.core.internal.lb.Randomness;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.policy.ClusterCircuitBreaker;
import dev.meshwork.core.internal.policy.OutlierDetector;
import dev.meshwork.core.internal.xds.ResourceWatcher;
import dev.meshwork.core.internal.xds.TypeUrls;
import dev.meshwork.core.internal.xds.XdsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clusters in use: each follows its CDS resource and then its EDS resource, and publishes a new
 * {@link ClusterState} on every change. Watch callbacks run on the mesh's one update thread, so
 * the mutable fields of an entry need no locks; the call path reads only the volatile state.
 */
final class ClusterTable {
  private static final Logger log = LoggerFactory.getLogger(ClusterTable.class);

  private final XdsClient xds;
  private final ClusterModel.Locality own;
  private final java.util.function.LongSupplier nanoClock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final MeshMetrics metrics;

  ClusterTable(XdsClient xds, ClusterModel.Locality own, java.util.function.LongSupplier nanoClock) {
    this(xds, own, nanoClock, null);
  }

  /** @param metrics where per-cluster outlier meters go; null for none */
  ClusterTable(XdsClient xds, ClusterModel.Locality own, java.util.function.LongSupplier nanoClock,
      MeshMetrics metrics) {
    this.xds = xds;
    this.own = own;
    this.nanoClock = nanoClock;
    this.metrics = metrics;
  }

  /** Every cluster in use, by name, for monitoring. */
  Map<String, Entry> entries() {
    return new java.util.TreeMap<>(entries);
  }

  /** The entry for a cluster, subscribing on first use. */
  /** See {@link XdsClient#answerDeadline}: without a control plane, no long wait for a cluster's config. */
  long answerDeadline(long deadline) {
    return xds.answerDeadline(deadline);
  }

  Entry entry(String name) {
    // get first: on the per-call path, computeIfAbsent would allocate its capturing lambda
    Entry known = entries.get(name);
    if (known != null) {
      return known;
    }
    return entries.computeIfAbsent(name, n -> {
      Entry e = new Entry(n);
      if (metrics != null) {
        e.registerMeters(metrics);
      }
      xds.watch(TypeUrls.CLUSTER, n, e.clusterWatcher);
      return e;
    });
  }

  /** One cluster's subscription and current state. */
  final class Entry {
    final String name;
    /** Completes with the first usable state, or null when the cluster does not exist. */
    final CompletableFuture<ClusterState> ready = new CompletableFuture<>();
    volatile ClusterState state;
    /** The endpoints of {@link #state}, for monitoring. */
    volatile List<ClusterModel.Address> addresses = List.of();
    private ClusterModel.Cluster config;
    private ClusterModel.Endpoints endpoints;
    private String edsName;
    private ActiveRequests active = new ActiveRequests();
    private ClusterCircuitBreaker breaker;
    private volatile OutlierDetector outlier; // volatile: read by the ejections meter
    private final ResourceWatcher<ClusterModel.Endpoints> endpointWatcher = new ResourceWatcher<>() {
      @Override
      public void onChanged(ClusterModel.Endpoints e) {
        endpoints = e;
        rebuild();
      }

      @Override
      public void onDoesNotExist(String n) {
        endpoints = new ClusterModel.Endpoints(n, List.of());
        rebuild();
      }

      @Override
      public void onAmbientError(String message) {
        log.debug("endpoints of {}: {}", name, message);
      }
    };
    final ResourceWatcher<ClusterModel.Cluster> clusterWatcher = new ResourceWatcher<>() {
      @Override
      public void onChanged(ClusterModel.Cluster c) {
        if (!c.equals(config)) {
          // New thresholds or outlier settings start fresh counters, as in Envoy.
          breaker = ClusterCircuitBreaker.of(c);
          if (outlier != null) {
            retiredEjections += outlier.ejections();
          }
          outlier = c.outlier() == null ? null : new OutlierDetector(c.outlier(), nanoClock, () -> {});
        }
        config = c;
        if (!Objects.equals(edsName, c.edsServiceName())) {
          if (edsName != null) {
            xds.cancelWatch(TypeUrls.CLUSTER_LOAD_ASSIGNMENT, edsName, endpointWatcher);
          }
          edsName = c.edsServiceName();
          endpoints = null;
          xds.watch(TypeUrls.CLUSTER_LOAD_ASSIGNMENT, edsName, endpointWatcher);
        }
        rebuild();
      }

      @Override
      public void onDoesNotExist(String n) {
        if (config == null) {
          // Never received: a response that raced our subscription can lack it. Routes only name
          // clusters the control plane has, so callers keep waiting (bounded by their lookup
          // timeout) for the response that answers the subscription.
          log.debug("cluster {} absent from a response before it was ever received; still waiting", name);
          return;
        }
        log.warn("cluster {} was removed by the control plane", name);
        state = null;
        config = null;
        ready.complete(null);
      }

      @Override
      public void onAmbientError(String message) {
        log.debug("cluster {}: {}", name, message);
      }
    };

    private volatile long retiredEjections; // ejections of detectors replaced by new config

    Entry(String name) {
      this.name = name;
    }

    /** {@code meshwork.outlier.ejections} (counter) and {@code meshwork.outlier.ejected} (gauge), tag cluster. */
    void registerMeters(MeshMetrics m) {
      m.track(io.micrometer.core.instrument.FunctionCounter.builder(MeshMetrics.EJECTIONS, this, Entry::ejections)
          .description("Endpoints ejected by outlier detection").tag("cluster", name).register(m.registry()));
      m.track(io.micrometer.core.instrument.Gauge.builder(MeshMetrics.EJECTED, this, Entry::ejectedNow)
          .description("Endpoints currently ejected by outlier detection").tag("cluster", name)
          .register(m.registry()));
    }

    private double ejections() {
      OutlierDetector o = outlier;
      return retiredEjections + (o == null ? 0 : o.ejections());
    }

    private double ejectedNow() {
      ClusterState s = state;
      return s == null || s.outlier() == null ? 0 : s.outlier().ejected().size();
    }

    private void rebuild() {
      if (config == null || endpoints == null) {
        return;
      }
      List<ClusterModel.Address> all = new ArrayList<>();
      endpoints.localities().forEach(l -> all.addAll(l.endpoints()));
      if (outlier != null) {
        outlier.setHosts(all);
      }
      active.retainOnly(new java.util.HashSet<>(all));
      ClusterState s = new ClusterState(config,
          PriorityPicker.build(config, endpoints, own, active, Randomness.threadLocal()),
          active, breaker, outlier, all.size());
      addresses = List.copyOf(all);
      state = s;
      ready.complete(s);
    }
  }
}
