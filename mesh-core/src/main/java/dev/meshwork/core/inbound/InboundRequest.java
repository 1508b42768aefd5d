package dev.meshwork.core.inbound;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What {@link MeshInbound#check} needs to know about one inbound request; transports adapt their
 * own request to it. Immutable.
 *
 * @param peerPrincipal the authenticated peer's identity: its certificate's URI SAN (the SPIFFE
 *     ID), else its first DNS SAN, else its subject, as Envoy and gRPC do; null for a peer without
 *     a verified client certificate (plaintext or one-way TLS)
 * @param method the HTTP method ({@code :method}), e.g. {@code GET}
 * @param path the request target as received ({@code :path}: path plus query string); RBAC
 *     {@code url_path} matchers see it without query and fragment
 * @param headers header lookup; {@code :path}, {@code :method} come from the fields above and
 *     {@code :authority} falls back to {@code host}
 * @param sourceAddress the peer's IP address, or null when unknown (IP matchers do not match)
 * @param destinationAddress the local IP address the request arrived on, or null when unknown
 * @param destinationPort the local port the request arrived on, or -1 when unknown
 */
public record InboundRequest(String peerPrincipal, String method, String path, Headers headers,
    InetAddress sourceAddress, InetAddress destinationAddress, int destinationPort) {

  public InboundRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    headers = headers == null ? Headers.NONE : headers;
  }

  /** A request with only a method and path; use the {@code with...} methods for the rest. */
  public static InboundRequest of(String method, String path) {
    return new InboundRequest(null, method, path, Headers.NONE, null, null, -1);
  }

  /** This request from an authenticated peer. */
  public InboundRequest withPeer(String principal) {
    return new InboundRequest(principal, method, path, headers, sourceAddress, destinationAddress, destinationPort);
  }

  /** This request with other headers. */
  public InboundRequest withHeaders(Headers h) {
    return new InboundRequest(peerPrincipal, method, path, h, sourceAddress, destinationAddress, destinationPort);
  }

  /** This request with connection addresses. */
  public InboundRequest withAddresses(InetAddress source, InetAddress destination, int port) {
    return new InboundRequest(peerPrincipal, method, path, headers, source, destination, port);
  }

  /** {@link #path} without query string and fragment (what RBAC {@code url_path} matches). */
  public String pathWithoutQuery() {
    int end = path.length();
    for (int i = 0; i < end; i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return path.substring(0, i);
      }
    }
    return path;
  }

  /**
   * A header lookup by lower-case name. Return all values of a repeated header joined with
   * {@code ","} (as Envoy's RBAC filter sees them), or null when the header is absent. Must be
   * safe to call from the thread calling {@link MeshInbound#check}.
   */
  @FunctionalInterface
  public interface Headers {
    /** No headers. */
    Headers NONE = name -> null;

    String get(String lowerCaseName);

    /** Headers from a map of single values; names are matched case-insensitively. */
    static Headers of(Map<String, String> headers) {
      Map<String, String> lower = headers.entrySet().stream()
          .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
              (a, b) -> a + "," + b));
      return lower::get;
    }
  }
}
