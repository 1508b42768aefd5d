package dev.meshwork.http.internal;

import dev.meshwork.core.engine.MeshRequest;
import java.util.Locale;
import okhttp3.Request;

/** An OkHttp request seen by the engine; a view, nothing copied. */
record OkHttpMeshRequest(Request request) implements MeshRequest {
  @Override
  public String method() {
    return request.method().toUpperCase(Locale.ROOT);
  }

  @Override
  public String path() {
    return request.url().encodedPath();
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
