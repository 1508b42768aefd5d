package dev.meshwork.controlplane.internal.xds;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A gRPC server listener name and the workload identity Meshwork's servers put in it:
 * {@code grpc/server?xds.resource.listening_address=<ip>:<port>&ns=<NS>&sa=<SA>&labels=<L>}, each
 * parameter optional and URL-encoded (UTF-8); L is {@code k=v} pairs joined by commas. gRPC's
 * default template (address only) means namespace {@code default} and no labels. Unknown
 * parameters are ignored, so newer servers can add some.
 *
 * @param serviceAccount empty when not given
 */
record ServerListenerName(String host, int port, String namespace, String serviceAccount, Map<String, String> labels) {
  ServerListenerName {
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  /** The parsed name, or null when it is not a server listener name. */
  static ServerListenerName parse(String name) {
    if (!name.startsWith(ServerListeners.PREFIX)) {
      return null;
    }
    String[] parts = name.substring(ServerListeners.PREFIX.length()).split("&", -1);
    HostAndPort hp;
    try {
      hp = HostAndPort.fromString(parts[0]);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!hp.hasPort() || !InetAddresses.isInetAddress(hp.getHost())) {
      return null;
    }
    String ns = "default";
    String sa = "";
    Map<String, String> labels = new TreeMap<>();
    try {
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        String key = eq < 0 ? parts[i] : parts[i].substring(0, eq);
        String value = eq < 0 ? "" : URLDecoder.decode(parts[i].substring(eq + 1), StandardCharsets.UTF_8);
        switch (key) {
          case "ns" -> ns = value.isEmpty() ? "default" : value;
          case "sa" -> sa = value;
          case "labels" -> {
            for (String kv : value.split(",")) {
              int e = kv.indexOf('=');
              if (e > 0) {
                labels.put(kv.substring(0, e), kv.substring(e + 1));
              }
            }
          }
          default -> { } // forward compatible
        }
      }
    } catch (IllegalArgumentException e) { // bad %-escape
      return null;
    }
    return new ServerListenerName(hp.getHost(), hp.getPort(), ns, sa, labels);
  }
}
