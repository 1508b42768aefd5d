package dev.meshwork.spring.actuator;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshSnapshot;
import dev.meshwork.core.identity.MeshIdentity;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health contributor {@code mesh}: {@code UP} when the xDS stream to the control plane is open, the
 * config is not a stale persisted copy and the certificate (when the workload has one) is valid;
 * {@code OUT_OF_SERVICE} while disconnected or stale (calls keep working on the last config);
 * {@code DOWN} when the certificate has expired. Details: {@code controlPlane}, {@code connected},
 * {@code staleSince}, {@code spiffeId}, {@code certificateNotAfter}, {@code certificateExpiresInSeconds},
 * {@code nacks}. Thread-safe; never blocks.
 */
public class MeshHealthIndicator implements HealthIndicator {
  private final Mesh mesh;
  private final Clock clock;

  /** An indicator for {@code mesh}. */
  public MeshHealthIndicator(Mesh mesh) {
    this(mesh, Clock.systemUTC());
  }

  MeshHealthIndicator(Mesh mesh, Clock clock) {
    this.mesh = mesh;
    this.clock = clock;
  }

  @Override
  public Health health() {
    MeshSnapshot s = mesh.describe();
    Health.Builder b = !s.connected() || s.staleSince().isPresent() ? Health.outOfService() : Health.up();
    b.withDetail("controlPlane", s.controlPlane()).withDetail("connected", s.connected());
    s.staleSince().ifPresent(t -> b.withDetail("staleSince", t.toString()));
    if (!s.nacks().isEmpty()) {
      b.withDetail("nacks", s.nacks().size());
    }
    Optional<MeshIdentity> identity = mesh.identity();
    if (identity.isPresent()) {
      X509Certificate cert = identity.get().currentCertificate();
      Instant notAfter = cert.getNotAfter().toInstant();
      long left = Duration.between(clock.instant(), notAfter).getSeconds();
      b.withDetail("spiffeId", mesh.settings().spiffeId().toString())
          .withDetail("certificateNotAfter", notAfter.toString())
          .withDetail("certificateExpiresInSeconds", left);
      if (left <= 0) {
        b.status(Status.DOWN);
      }
    }
    return b.build();
  }
}
