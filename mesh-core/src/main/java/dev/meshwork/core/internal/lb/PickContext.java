package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;
import java.util.function.Predicate;

/**
 * Per-pick inputs.
 *
 * @param hash the request's hash from {@link HashKeys#compute}, or {@link #NO_HASH}; only ring
 *     hash and Maglev read it (without one they pick at random, as Envoy does)
 * @param usable false for endpoints this attempt must not use: ejected by outlier detection,
 *     already tried by a retry with previous_hosts; called on the picking thread, must be cheap
 */
public record PickContext(long hash, Predicate<ClusterModel.Address> usable) {
  /** "The request has no hash." A computed hash never takes this value (see {@link HashKeys}). */
  public static final long NO_HASH = Long.MIN_VALUE;

  /** Every endpoint is usable. */
  public static final Predicate<ClusterModel.Address> ANY = a -> true;

  /** No hash, every endpoint usable. */
  public static final PickContext DEFAULT = new PickContext(NO_HASH, ANY);

  public PickContext {
    java.util.Objects.requireNonNull(usable, "usable");
  }

  public boolean hasHash() {
    return hash != NO_HASH;
  }
}
