package dev.meshwork.core.internal.xds;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The xDS client's meters: responses ACKed ({@code meshwork.xds.acks}) and NACKed
 * ({@code meshwork.xds.nacks}) per resource type (tag {@code type}: {@code Listener},
 * {@code RouteConfiguration}, {@code Cluster}, {@code ClusterLoadAssignment}), and whether the ADS
 * stream to the control plane is up ({@code meshwork.xds.connected}, 1/0; tag {@code service}).
 * Updated on the client's serializing context; {@link #NONE} records nothing.
 */
public final class XdsMetrics implements AutoCloseable {
  /** Records nothing. */
  public static final XdsMetrics NONE = new XdsMetrics(null, "");

  private final MeterRegistry registry;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, Counter> acks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> nacks = new ConcurrentHashMap<>();
  private volatile boolean connected;

  /** Meters in {@code registry}, the gauge tagged with the workload's {@code service}. */
  public XdsMetrics(MeterRegistry registry, String service) {
    this.registry = registry;
    if (registry != null) {
      registered.add(Gauge.builder("meshwork.xds.connected", this, m -> m.connected ? 1 : 0)
          .description("1 while the ADS stream to the control plane is up (it answered on it)")
          .tag("service", service).register(registry));
    }
  }

  void connected(boolean up) {
    connected = up;
  }

  /** Whether the ADS stream is up. */
  public boolean connected() {
    return connected;
  }

  void ack(String typeUrl) {
    count(acks, "meshwork.xds.acks", "xDS responses accepted (ACKed)", typeUrl);
  }

  void nack(String typeUrl) {
    count(nacks, "meshwork.xds.nacks", "xDS responses rejected (NACKed)", typeUrl);
  }

  private void count(ConcurrentHashMap<String, Counter> map, String name, String description, String typeUrl) {
    if (registry == null) {
      return;
    }
    map.computeIfAbsent(typeUrl, t -> {
      Counter c = Counter.builder(name).description(description).tag("type", shortType(t)).register(registry);
      registered.add(c);
      return c;
    }).increment();
  }

  /** {@code Cluster} for {@code type.googleapis.com/envoy.config.cluster.v3.Cluster}. */
  static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }

  @Override
  public void close() {
    if (registry != null) {
      registered.forEach(registry::remove);
      registered.clear();
    }
  }
}
