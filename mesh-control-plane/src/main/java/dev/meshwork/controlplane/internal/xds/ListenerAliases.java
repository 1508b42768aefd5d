package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Message;
import dev.meshwork.controlplane.internal.config.Hosts;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.Map;

/**
 * Listener names the snapshot does not list but clients may ask for: gRPC servers' inbound
 * listeners, and other spellings of a service's host ({@code xds:///reviews.default.svc.cluster.local}
 * asks for a listener of exactly that name). An alias is the canonical listener under the
 * requested name; its RDS name stays the canonical one, so routes are shared.
 */
final class ListenerAliases {
  private ListenerAliases() {}

  /** The listener for an unlisted name, or null when there is none. */
  static Message resolve(String name, Map<String, Message> listeners, ServerPolicies policies) {
    Listener server = ServerListeners.forName(name, policies);
    if (server != null) {
      return server;
    }
    String host = name;
    String port = "";
    int colon = name.lastIndexOf(':');
    if (colon > 0 && name.indexOf(':') == colon) { // host:port, not an IPv6 literal
      host = name.substring(0, colon);
      port = name.substring(colon);
    }
    String canonical = Hosts.serviceKey(host) + port;
    if (canonical.equals(name)) {
      return null;
    }
    Message m = listeners.get(canonical);
    return m == null ? null : ((Listener) m).toBuilder().setName(name).build();
  }
}
