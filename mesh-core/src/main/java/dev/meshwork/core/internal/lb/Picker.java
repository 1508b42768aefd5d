package dev.meshwork.core.internal.lb;

import dev.meshwork.core.internal.model.ClusterModel;

/**
 * Chooses an endpoint for one request (or one retry attempt). Built once per cluster/endpoints
 * update from immutable inputs; {@link #pick} is thread-safe and lock-free. Endpoints whose EDS
 * health is not healthy are never picked.
 */
public interface Picker {
  /** A healthy endpoint that {@code ctx.usable()} accepts, or null when there is none. */
  ClusterModel.Address pick(PickContext ctx);
}
