package dev.meshwork.spring.inbound;

import dev.meshwork.core.engine.Mesh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Makes the embedded web server serve HTTPS with the mesh certificate when the workload has an
 * identity: {@code Ssl} with bundle {@value MeshSslBundle#NAME} and client certificates requested
 * ({@code WANT}; under PeerAuthentication STRICT the {@link MeshInboundFilter} refuses callers that
 * sent none, as the server port is only known once it listens). Leaves the server alone when the
 * application configures {@code server.ssl.*} itself. Runs after Boot's own customizers.
 */
public class MeshServerTlsCustomizer implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {
  private static final Logger log = LoggerFactory.getLogger(MeshServerTlsCustomizer.class);
  private static final String[] USER_SSL = {"server.ssl.enabled", "server.ssl.bundle", "server.ssl.key-store",
      "server.ssl.certificate"};

  private final Mesh mesh;
  private final Environment environment;

  /** A customizer for the workload of {@code mesh}. */
  public MeshServerTlsCustomizer(Mesh mesh, Environment environment) {
    this.mesh = mesh;
    this.environment = environment;
  }

  @Override
  public void customize(ConfigurableWebServerFactory factory) {
    if (mesh.identity().isEmpty()) {
      return;
    }
    for (String p : USER_SSL) {
      if (environment.containsProperty(p)) {
        log.info("{} is set: the web server keeps the application's TLS, not the mesh certificate", p);
        return;
      }
    }
    Ssl ssl = new Ssl();
    ssl.setBundle(MeshSslBundle.NAME);
    ssl.setClientAuth(Ssl.ClientAuth.WANT);
    factory.setSsl(ssl);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
