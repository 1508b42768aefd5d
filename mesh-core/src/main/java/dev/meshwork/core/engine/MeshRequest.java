package dev.meshwork.core.engine;

/**
 * What the routing engine sees of a request, whatever the transport. Implementations adapt an
 * OkHttp request or gRPC metadata without copying: every method is a view.
 *
 * <p>Header names are lower case (HTTP/2 style); {@link #header} returns the first value or null.
 */
public interface MeshRequest {
  /** HTTP method in upper case, e.g. {@code GET}; gRPC calls are {@code POST}. */
  String method();

  /** Path without the query string, e.g. {@code /reviews/1}; gRPC: {@code /pkg.Service/Method}. */
  String path();

  /** Raw query string without '?', or null when there is none. */
  String query();

  /** First value of a header (lower-case name), or null. */
  String header(String lowerCaseName);

  /** Caller's own address for source-IP hashing, or null when unknown. */
  default String sourceAddress() {
    return null;
  }
}
