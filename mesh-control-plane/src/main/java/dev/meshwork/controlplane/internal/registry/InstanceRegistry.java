package dev.meshwork.controlplane.internal.registry;

import com.google.common.net.InetAddresses;
import dev.meshwork.api.registry.v1.Instance;
import dev.meshwork.controlplane.internal.config.Hosts;
import dev.meshwork.controlplane.internal.model.Endpoint;
import dev.meshwork.controlplane.internal.model.Locality;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live instances under leases. Mutations are rare (register, renew, expire) and serialised by
 * this object's monitor; readers get an immutable endpoint list published through a volatile
 * field. The clock is injected so lease expiry is testable without sleeping.
 */
public final class InstanceRegistry {
  private static final Logger log = LoggerFactory.getLogger(InstanceRegistry.class);

  private final LongSupplier nanoClock;
  private final Duration defaultTtl;
  private final Duration minTtl;
  private final Duration maxTtl;
  private final Runnable onChange;
  private final Map<String, RegisteredInstance> byLease = new HashMap<>();
  private final Map<String, String> leaseByInstanceId = new HashMap<>();
  private volatile List<Endpoint> endpoints = List.of();

  public InstanceRegistry(LongSupplier nanoClock, Duration defaultTtl, Duration minTtl, Duration maxTtl, Runnable onChange) {
    this.nanoClock = nanoClock;
    this.defaultTtl = defaultTtl;
    this.minTtl = minTtl;
    this.maxTtl = maxTtl;
    this.onChange = onChange;
  }

  /** Current endpoints of every live instance; immutable. */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /**
   * Registers or replaces (same instance id) an instance.
   *
   * @return the granted lease
   * @throws IllegalArgumentException naming the bad field
   */
  public RegisteredInstance register(Instance instance, Duration requestedTtl) {
    validate(instance);
    Duration ttl = requestedTtl == null || requestedTtl.isZero() ? defaultTtl : requestedTtl;
    if (ttl.compareTo(minTtl) < 0) {
      ttl = minTtl;
    } else if (ttl.compareTo(maxTtl) > 0) {
      ttl = maxTtl;
    }
    RegisteredInstance reg;
    synchronized (this) {
      String old = leaseByInstanceId.remove(instance.getInstanceId());
      if (old != null) {
        byLease.remove(old);
      }
      String leaseId = UUID.randomUUID().toString();
      reg = new RegisteredInstance(leaseId, instance, ttl.toNanos(), nanoClock.getAsLong() + ttl.toNanos());
      byLease.put(leaseId, reg);
      leaseByInstanceId.put(instance.getInstanceId(), leaseId);
      publish();
    }
    log.info("registered {} {} at {}:{} labels={} ttl={}", instance.getService(), instance.getInstanceId(),
        instance.getAddress(), instance.getPort(), instance.getLabelsMap(), ttl);
    onChange.run();
    return reg;
  }

  /** Renews a lease; null when it is unknown or has lapsed (the caller registers again). */
  public RegisteredInstance heartbeat(String leaseId) {
    synchronized (this) {
      RegisteredInstance reg = byLease.get(leaseId);
      if (reg == null) {
        return null;
      }
      long now = nanoClock.getAsLong();
      if (reg.expiresAtNanos() - now < 0) {
        return null; // lapsed but not swept yet: same answer as swept
      }
      RegisteredInstance renewed = reg.renewed(now);
      byLease.put(leaseId, renewed);
      return renewed;
    }
  }

  /** Removes an instance at once; false when the lease is unknown. */
  public boolean deregister(String leaseId) {
    RegisteredInstance reg;
    synchronized (this) {
      reg = byLease.remove(leaseId);
      if (reg == null) {
        return false;
      }
      leaseByInstanceId.remove(reg.instance().getInstanceId(), leaseId);
      publish();
    }
    log.info("deregistered {} {}", reg.instance().getService(), reg.instance().getInstanceId());
    onChange.run();
    return true;
  }

  /** Drops every lease that has lapsed; called periodically by the control plane. */
  public void expireLapsed() {
    List<RegisteredInstance> lapsed = new ArrayList<>();
    synchronized (this) {
      long now = nanoClock.getAsLong();
      byLease.values().removeIf(r -> {
        if (r.expiresAtNanos() - now < 0) {
          lapsed.add(r);
          return true;
        }
        return false;
      });
      if (lapsed.isEmpty()) {
        return;
      }
      for (RegisteredInstance r : lapsed) {
        leaseByInstanceId.remove(r.instance().getInstanceId(), r.leaseId());
      }
      publish();
    }
    for (RegisteredInstance r : lapsed) {
      log.warn("lease of {} {} lapsed (no heartbeat within {} ms): removed", r.instance().getService(),
          r.instance().getInstanceId(), Duration.ofNanos(r.ttlNanos()).toMillis());
    }
    onChange.run();
  }

  /** Live registrations, for the admin API. */
  public synchronized List<RegisteredInstance> registrations() {
    return List.copyOf(byLease.values());
  }

  private void publish() {
    List<Endpoint> list = new ArrayList<>(byLease.size());
    for (RegisteredInstance r : byLease.values()) {
      Instance i = r.instance();
      list.add(new Endpoint(Hosts.serviceKey(i.getService()), i.getAddress(), Map.of(Endpoint.ANY_PORT, i.getPort()),
          i.getLabelsMap(), Locality.parseZoneFirst(i.getLocality()), i.getWeight() == 0 ? 1 : i.getWeight(),
          "registry:" + i.getInstanceId(), i.getNamespace(), i.getServiceAccount()));
    }
    endpoints = List.copyOf(list);
  }

  private static void validate(Instance i) {
    if (i.getInstanceId().isBlank()) {
      throw new IllegalArgumentException("instance.instance_id: empty (expected: a unique id per process)");
    }
    if (i.getService().isBlank()) {
      throw new IllegalArgumentException("instance.service: empty (expected: a service host name such as \"reviews\")");
    }
    String hostProblem = Hosts.problem(i.getService());
    if (hostProblem != null) {
      throw new IllegalArgumentException("instance.service: \"" + i.getService() + "\": " + hostProblem);
    }
    if (!InetAddresses.isInetAddress(i.getAddress())) {
      throw new IllegalArgumentException("instance.address: \"" + i.getAddress() + "\" (expected: an IP literal)");
    }
    if (i.getPort() < 1 || i.getPort() > 65535) {
      throw new IllegalArgumentException("instance.port: " + i.getPort() + " (expected: 1..65535)");
    }
  }
}
