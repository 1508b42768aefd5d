package dev.meshwork.grpc.internal;

import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.XdsBootstrap;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * One mesh-core {@link Mesh} per distinct settings, shared by the channels made from them and
 * closed with the last one. gRPC channels route through grpc-xds; the mesh supplies what grpc-xds
 * lacks (local rate limits), reading the same resources from the same control plane.
 */
public final class SharedMeshes {
  private static final Map<Object, Entry> MESHES = new HashMap<>();

  private SharedMeshes() {}

  private static final class Entry {
    final Mesh mesh;
    int references;

    Entry(Mesh mesh) {
      this.mesh = mesh;
    }
  }

  /** A reference to the mesh for these settings; give it back with {@link Lease#release()}. */
  public static synchronized Lease acquire(MeshSettings settings) {
    Object key = XdsBootstrap.of(settings);
    Entry e = MESHES.computeIfAbsent(key, k -> new Entry(Mesh.start(settings, MeshOptions.DEFAULTS)));
    e.references++;
    return new Lease(key, e.mesh);
  }

  private static synchronized void release(Object key) {
    Entry e = MESHES.get(key);
    if (e != null && --e.references == 0) {
      MESHES.remove(key);
      e.mesh.close();
    }
  }

  /** One reference to a shared mesh. */
  public static final class Lease {
    private final Object key;
    private final Mesh mesh;
    private boolean released;

    Lease(Object key, Mesh mesh) {
      this.key = key;
      this.mesh = mesh;
    }

    public Mesh mesh() {
      return mesh;
    }

    /** Idempotent. */
    public synchronized void release() {
      if (!released) {
        released = true;
        SharedMeshes.release(key);
      }
    }
  }
}
