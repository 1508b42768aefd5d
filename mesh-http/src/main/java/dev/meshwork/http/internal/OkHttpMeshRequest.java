package dev.meshwork.http.internal;

import dev.meshwork.core.engine.MeshRequest;
import java.util.Locale;
import okhttp3.Request;

/**
 * An OkHttp request seen by the engine; a view, nothing copied but the path, which OkHttp
 * formats anew on every {@code encodedPath()} and which route matching may read once per route.
 */
record OkHttpMeshRequest(Request request, String path) implements MeshRequest {
  OkHttpMeshRequest(Request request) {
    this(request, request.url().encodedPath());
  }

  @Override
  public String method() {
    return request.method().toUpperCase(Locale.ROOT);
  }

  @Override
  public String query() {
    return request.url().encodedQuery();
  }

  @Override
  public String header(String lowerCaseName) {
    return request.header(lowerCaseName);
  }
}
