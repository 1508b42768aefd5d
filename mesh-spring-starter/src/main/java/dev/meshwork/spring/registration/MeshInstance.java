package dev.meshwork.spring.registration;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this instance registers besides its port: the address others reach it on and its labels.
 *
 * @param address an IP literal
 * @param labels {@code app=<service>}, {@code version} when set, then the custom labels
 */
public record MeshInstance(String address, Map<String, String> labels) {
  public MeshInstance {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /**
   * @param address configured address, or null/blank for {@link #defaultAddress()}
   * @param service the service name, label {@code app}
   * @param version label {@code version} when not null/blank
   * @param custom further labels (they may override {@code app}, not {@code version})
   */
  public static MeshInstance of(String address, String service, String version, Map<String, String> custom) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", service);
    labels.putAll(custom);
    if (version != null && !version.isBlank()) {
      labels.put("version", version.trim());
    }
    return new MeshInstance(address == null || address.isBlank() ? defaultAddress() : address.trim(), labels);
  }

  /** The first non-loopback IPv4 address of an interface that is up (else any non-loopback one), or 127.0.0.1. */
  public static String defaultAddress() {
    String any = null;
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress()) {
            continue;
          }
          if (a instanceof Inet4Address) {
            return a.getHostAddress();
          }
          any = any == null ? a.getHostAddress() : any;
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return any != null ? any : "127.0.0.1";
  }
}
