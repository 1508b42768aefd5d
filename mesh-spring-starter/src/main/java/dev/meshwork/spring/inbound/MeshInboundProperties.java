package dev.meshwork.spring.inbound;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code mesh.inbound.*}: how the starter protects and observes a servlet application's own
 * endpoints. Immutable.
 *
 * @param enabled whether the inbound filter (authorization, peer identity, server spans and metrics)
 *     is installed; default true
 * @param labels the workload labels sent with the server listener subscription, so the control
 *     plane selects the AuthorizationPolicies and PeerAuthentications that apply; empty means
 *     {@code app=<service>}
 * @param tls whether the web server serves HTTPS with the mesh certificate (SSL bundle
 *     {@value MeshSslBundle#NAME}) when the workload has an identity; default true
 */
@ConfigurationProperties("mesh.inbound")
public record MeshInboundProperties(@DefaultValue("true") boolean enabled, Map<String, String> labels,
    @DefaultValue("true") boolean tls) {
  public MeshInboundProperties {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** The labels to send: {@link #labels}, or {@code app=<service>} when none are set. */
  public Map<String, String> labelsFor(String service) {
    return labels.isEmpty() ? Map.of("app", service) : labels;
  }
}
