package dev.meshwork.core.internal.policy;

import dev.meshwork.core.engine.MeshRequest;
import java.util.Map;

/** A MeshRequest over a header map. */
record TestRequest(String method, String path, Map<String, String> headers) implements MeshRequest {
  static TestRequest get(Map<String, String> headers) {
    return new TestRequest("GET", "/", headers);
  }

  @Override
  public String query() {
    return null;
  }

  @Override
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
