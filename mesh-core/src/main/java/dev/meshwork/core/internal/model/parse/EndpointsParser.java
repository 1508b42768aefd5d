package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.common.net.InetAddresses;
import com.google.protobuf.Message;
import dev.meshwork.core.internal.model.ClusterModel;
import dev.meshwork.core.internal.xds.InvalidResourceException;
import dev.meshwork.core.internal.xds.ResourceParser;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;

/**
 * EDS: ClusterLoadAssignment to {@link ClusterModel.Endpoints}, localities in order.
 *
 * <p>Addresses must be IP literals with a numeric port: the client resolves no names. Weights
 * default to 1 (Envoy requires >= 1 when set). HEALTHY and UNKNOWN are healthy; DEGRADED counts
 * as unhealthy (we have no degraded tier). Drop overloads and LEDS are not supported.
 * Stateless and thread-safe.
 */
public final class EndpointsParser implements ResourceParser<ClusterModel.Endpoints> {
  public static final String TYPE_URL = Protos.TYPE_PREFIX + ClusterLoadAssignment.getDescriptor().getFullName();
  /** Envoy's limit on priorities. */
  static final int MAX_PRIORITY = 128;

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public Class<? extends Message> protoClass() {
    return ClusterLoadAssignment.class;
  }

  @Override
  public String name(Message resource) {
    return ((ClusterLoadAssignment) resource).getClusterName();
  }

  @Override
  public ClusterModel.Endpoints parse(Message resource) throws InvalidResourceException {
    if (!(resource instanceof ClusterLoadAssignment cla)) {
      throw new InvalidResourceException("endpoints: expected ClusterLoadAssignment, got " + resource.getDescriptorForType().getFullName());
    }
    try {
      return endpoints(cla);
    } catch (BadField e) {
      throw new InvalidResourceException(e.render("endpoints", cla.getClusterName()));
    }
  }

  private static ClusterModel.Endpoints endpoints(ClusterLoadAssignment cla) {
    if (cla.getPolicy().getDropOverloadsCount() > 0) {
      // Dropping is a deliberate load-shedding instruction; silently sending everything would hide it.
      throw new BadField("policy.drop_overloads", "is not supported");
    }
    List<ClusterModel.LocalityGroup> groups = new ArrayList<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints l = cla.getEndpoints(i);
      groups.add(at("endpoints[" + i + "]", () -> locality(l)));
    }
    return new ClusterModel.Endpoints(cla.getClusterName(), groups);
  }

  private static ClusterModel.LocalityGroup locality(LocalityLbEndpoints l) {
    if (l.hasLedsClusterLocalityConfig()) {
      throw new BadField("leds_cluster_locality_config", "is not supported");
    }
    int weight = l.hasLoadBalancingWeight() ? weight(l.getLoadBalancingWeight().getValue(), "load_balancing_weight") : 1;
    if (l.getPriority() < 0 || l.getPriority() > MAX_PRIORITY) {
      throw new BadField("priority", Protos.uint32(l.getPriority()) + " is out of range (expected: 0-" + MAX_PRIORITY + ")");
    }
    List<ClusterModel.Address> addresses = new ArrayList<>();
    for (int i = 0; i < l.getLbEndpointsCount(); i++) {
      LbEndpoint e = l.getLbEndpoints(i);
      addresses.add(at("lb_endpoints[" + i + "]", () -> endpoint(e)));
    }
    var loc = l.getLocality();
    return new ClusterModel.LocalityGroup(loc.getRegion(), loc.getZone(), loc.getSubZone(), l.getPriority(), weight, addresses);
  }

  private static ClusterModel.Address endpoint(LbEndpoint e) {
    if (e.getHostIdentifierCase() != LbEndpoint.HostIdentifierCase.ENDPOINT) {
      throw new BadField("endpoint", "is missing" + (e.hasEndpointName() ? " (endpoint_name is not supported)" : ""));
    }
    Address a = e.getEndpoint().getAddress();
    if (!a.hasSocketAddress()) {
      throw new BadField("endpoint.address", "is " + a.getAddressCase() + " (expected: socket_address)");
    }
    SocketAddress s = a.getSocketAddress();
    if (!s.getResolverName().isEmpty()) {
      throw new BadField("endpoint.address.socket_address.resolver_name", "is not supported");
    }
    if (!InetAddresses.isInetAddress(s.getAddress())) {
      throw new BadField("endpoint.address.socket_address.address", Protos.quote(s.getAddress()) + " is not an IP address");
    }
    if (s.getPortSpecifierCase() != SocketAddress.PortSpecifierCase.PORT_VALUE) {
      throw new BadField("endpoint.address.socket_address", "has no port_value"
          + (s.getNamedPort().isEmpty() ? "" : " (named_port is not supported)"));
    }
    int port = s.getPortValue();
    if (port <= 0 || port > 65535) {
      throw new BadField("endpoint.address.socket_address.port_value", Protos.uint32(port) + " is out of range (expected: 1-65535)");
    }
    int weight = e.hasLoadBalancingWeight() ? weight(e.getLoadBalancingWeight().getValue(), "load_balancing_weight") : 1;
    HealthStatus h = e.getHealthStatus();
    boolean healthy = h == HealthStatus.HEALTHY || h == HealthStatus.UNKNOWN;
    return new ClusterModel.Address(s.getAddress(), port, weight, healthy);
  }

  private static int weight(int bits, String field) {
    if (bits == 0) {
      throw new BadField(field, "is 0 (expected: >= 1)");
    }
    return at(field, () -> Protos.uint32AsInt(bits));
  }
}
