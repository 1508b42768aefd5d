package dev.meshwork.core.engine;

/**
 * The endpoint one attempt goes to.
 *
 * @param cluster the cluster it was picked from, e.g. {@code outbound|80|v2|reviews}
 * @param ip IP literal
 * @param port port
 * @param tls null for plaintext; else the mTLS the cluster requires (shared, not per attempt)
 */
public record Upstream(String cluster, String ip, int port, UpstreamTls tls) {
  /** A plaintext upstream. */
  public Upstream(String cluster, String ip, int port) {
    this(cluster, ip, port, null);
  }

  /** {@code ip:port}, with brackets for IPv6. */
  public String hostPort() {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
