package dev.meshwork.controlplane.internal.registry;

import dev.meshwork.api.registry.v1.Instance;

/** A live registration: what the instance said about itself, and when its lease ends. */
public record RegisteredInstance(String leaseId, Instance instance, long ttlNanos, long expiresAtNanos) {
  RegisteredInstance renewed(long nowNanos) {
    return new RegisteredInstance(leaseId, instance, ttlNanos, nowNanos + ttlNanos);
  }
}
