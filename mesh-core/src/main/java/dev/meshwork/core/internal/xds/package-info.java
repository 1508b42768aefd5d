/**
 * mesh-core's own xDS client: one ADS stream (state of the world) to the control plane, resources
 * parsed once by {@link dev.meshwork.core.internal.xds.ResourceParser}s into immutable values and
 * handed to {@link dev.meshwork.core.internal.xds.ResourceWatcher}s. Entry point:
 * {@link dev.meshwork.core.internal.xds.XdsClient}.
 *
 * <p>All state lives on one serializing context (gRPC's {@code SynchronizationContext}); invalid
 * resources are NACKed and never replace good ones; accepted config can be persisted to disk so a
 * restart without a reachable control plane still serves the last good config (static stability).
 */
package dev.meshwork.core.internal.xds;
