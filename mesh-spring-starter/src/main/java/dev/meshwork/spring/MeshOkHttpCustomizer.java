package dev.meshwork.spring;

import okhttp3.OkHttpClient;

/**
 * Customizes the builder of the starter's mesh-routed {@link OkHttpClient} (timeouts, interceptors,
 * pool, event listener) before the mesh is installed on it. Declare as many beans as needed; they
 * run in {@code @Order} order, once, on the thread creating the client.
 */
@FunctionalInterface
public interface MeshOkHttpCustomizer {
  /** Adjusts {@code builder}; the mesh interceptor is added after all customizers ran. */
  void customize(OkHttpClient.Builder builder);
}
