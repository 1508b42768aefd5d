package dev.meshwork.spring.autoconfigure;

import dev.meshwork.core.MeshSettings;
import java.time.Duration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/** Checks {@link MeshProperties} and builds {@link MeshSettings} from them; every error names its property. */
final class MeshPropertiesValidator {
  private MeshPropertiesValidator() {
  }

  static MeshSettings settings(MeshProperties p, Environment env) {
    if (!StringUtils.hasText(p.getControlPlane())) {
      throw new MeshConfigurationException("mesh.control-plane", "not set",
          "Set mesh.control-plane to the control plane's xDS address, e.g. mesh.control-plane=127.0.0.1:15010.");
    }
    String cp = p.getControlPlane().trim();
    int colon = cp.lastIndexOf(':');
    if (colon > 0 && !cp.endsWith("]") && cp.indexOf(':') == colon) {
      String port = cp.substring(colon + 1);
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new MeshConfigurationException("mesh.control-plane", "\"" + cp + "\" has a bad port",
            "Use host:port with a port in 1..65535, e.g. 127.0.0.1:15010.");
      }
    }
    String service = StringUtils.hasText(p.getService()) ? p.getService().trim()
        : env.getProperty("spring.application.name", "").trim();
    if (service.isEmpty()) {
      throw new MeshConfigurationException("mesh.service", "not set, and spring.application.name is not set either",
          "Set mesh.service (or spring.application.name) to this application's service name, e.g. reviews.");
    }
    if (!service.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new MeshConfigurationException("mesh.service", "\"" + service + "\" is not a DNS-1123 name",
          "Use lower-case letters, digits, '-' and '.', e.g. reviews.");
    }
    if (StringUtils.hasText(p.getZone()) && StringUtils.hasText(p.getLocality())) {
      throw new MeshConfigurationException("mesh.zone", "set together with mesh.locality",
          "Set either mesh.zone (a bare zone) or mesh.locality (region/zone/subzone), not both.");
    }
    positive("mesh.lookup-timeout", p.getLookupTimeout());
    positive("mesh.registration.lease-ttl", p.getRegistration().getLeaseTtl());
    Integer grpcPort = p.getGrpc().getServer().getPort();
    if (grpcPort != null && (grpcPort < 1 || grpcPort > 65535)) {
      throw new MeshConfigurationException("mesh.grpc.server.port", grpcPort + " (expected: 1..65535)",
          "Give the mesh gRPC server a concrete port: its xDS listener is named after it.");
    }
    MeshSettings.Builder b = MeshSettings.builder().controlPlane(cp).service(service)
        .namespace(orEmpty(p.getNamespace(), "default"))
        .locality(StringUtils.hasText(p.getZone()) ? p.getZone().trim() : orEmpty(p.getLocality(), ""))
        .serviceAccount(orEmpty(p.getServiceAccount(), ""))
        .trustDomain(orEmpty(p.getTrustDomain(), ""))
        .identityToken(orEmpty(p.getIdentityToken(), ""));
    if (StringUtils.hasText(p.getInstanceId())) {
      b.instanceId(p.getInstanceId().trim());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MeshConfigurationException("mesh", e.getMessage(), "Fix the mesh.* property it names.");
    }
  }

  private static void positive(String property, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new MeshConfigurationException(property, d + " (expected: > 0)", "Give " + property + " a positive duration, e.g. 5s.");
    }
  }

  private static String orEmpty(String s, String dflt) {
    return StringUtils.hasText(s) ? s.trim() : dflt;
  }
}
