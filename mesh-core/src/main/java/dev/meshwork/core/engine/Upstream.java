package dev.meshwork.core.engine;

/**
 * The endpoint one attempt goes to.
 *
 * @param cluster the cluster it was picked from, e.g. {@code outbound|80|v2|reviews}
 * @param ip IP literal
 * @param port port
 */
public record Upstream(String cluster, String ip, int port) {
  /** {@code ip:port}, with brackets for IPv6. */
  public String hostPort() {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }
}
