package dev.meshwork.core.internal.xds;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Message;
import dev.meshwork.core.MeshSettings;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.github.resilience4j.core.IntervalFunction;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Trivial parsers (the value is the proto itself, a few recognisable protos are rejected) and test helpers. */
final class TestParsers {
  private TestParsers() {}

  /** Rejects listeners named "bad…" and listeners whose stat_prefix is "invalid". */
  static final ResourceParser<Listener> LISTENERS = new ResourceParser<>() {
    @Override
    public String typeUrl() {
      return TypeUrls.LISTENER;
    }

    @Override
    public Class<? extends Message> protoClass() {
      return Listener.class;
    }

    @Override
    public String name(Message resource) {
      return ((Listener) resource).getName();
    }

    @Override
    public Listener parse(Message resource) throws InvalidResourceException {
      Listener l = (Listener) resource;
      if (l.getName().startsWith("bad")) {
        throw new InvalidResourceException("Listener " + l.getName() + ": name: 'bad' prefix rejected by the test");
      }
      if (l.getStatPrefix().equals("invalid")) {
        throw new InvalidResourceException("Listener " + l.getName() + ": stat_prefix: 'invalid' rejected by the test");
      }
      return l;
    }
  };

  static final ResourceParser<Cluster> CLUSTERS = new ResourceParser<>() {
    @Override
    public String typeUrl() {
      return TypeUrls.CLUSTER;
    }

    @Override
    public Class<? extends Message> protoClass() {
      return Cluster.class;
    }

    @Override
    public String name(Message resource) {
      return ((Cluster) resource).getName();
    }

    @Override
    public Cluster parse(Message resource) {
      return (Cluster) resource;
    }
  };

  static final ResourceParser<ClusterLoadAssignment> ENDPOINTS = new ResourceParser<>() {
    @Override
    public String typeUrl() {
      return TypeUrls.CLUSTER_LOAD_ASSIGNMENT;
    }

    @Override
    public Class<? extends Message> protoClass() {
      return ClusterLoadAssignment.class;
    }

    @Override
    public String name(Message resource) {
      return ((ClusterLoadAssignment) resource).getClusterName();
    }

    @Override
    public ClusterLoadAssignment parse(Message resource) {
      return (ClusterLoadAssignment) resource;
    }
  };

  static Map<String, ResourceParser<?>> all() {
    return Map.of(TypeUrls.LISTENER, LISTENERS, TypeUrls.CLUSTER, CLUSTERS, TypeUrls.CLUSTER_LOAD_ASSIGNMENT, ENDPOINTS);
  }

  static Listener listener(String name, String statPrefix) {
    return Listener.newBuilder().setName(name).setStatPrefix(statPrefix).build();
  }

  static Cluster cluster(String name) {
    return Cluster.newBuilder().setName(name).build();
  }

  /** An EDS resource; {@code priority} just makes two versions differ. */
  static ClusterLoadAssignment endpoints(String name, int priority) {
    return ClusterLoadAssignment.newBuilder().setClusterName(name)
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(priority))
        .build();
  }

  static MeshSettings settings(String target, String instanceId) {
    return MeshSettings.builder().controlPlane(target).service("productpage").instanceId(instanceId)
        .locality("eu-west/eu-west-1a/rack-3").namespace("shop").build();
  }

  /** A client config on fake time with a fixed 1 s backoff and the direct executor for watchers. */
  static XdsClientConfig config(String target, Path persistDir, FakeTime time) {
    return new XdsClientConfig(settings(target, "productpage-7"), all(), Runnable::run, persistDir, time.clock,
        time.scheduler, Duration.ofSeconds(15), IntervalFunction.of(Duration.ofSeconds(1)));
  }

  /** Waits for a condition that depends on the network, polling, for at most 10 s. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }
}
