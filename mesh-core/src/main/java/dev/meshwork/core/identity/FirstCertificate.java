package dev.meshwork.core.identity;

import dev.meshwork.core.internal.identity.CaClient;
import dev.meshwork.core.internal.identity.CertSnapshot;
import dev.meshwork.core.internal.identity.PemFiles;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;

/** {@link MeshIdentity#start}'s blocking first issue, with errors that say who refused and why. */
final class FirstCertificate {
  private FirstCertificate() {}

  static CertSnapshot obtain(CaClient ca, String spiffeId, IdentityOptions options) {
    try {
      return ca.issue(options.requestedTtl(), options.startTimeout(), true);
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      String reason = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED || s.getCode() == Status.Code.UNAVAILABLE) {
        throw new IdentityException("no certificate for " + spiffeId + " from control plane " + ca.target()
            + " within " + options.startTimeout() + " (" + reason + ")", e);
      }
      throw new IdentityException("control plane " + ca.target() + " refused a certificate for " + spiffeId + ": "
          + reason, e);
    } catch (CertificateException e) {
      throw new IdentityException("control plane " + ca.target() + " answered with an unusable certificate for "
          + spiffeId + ": " + e.getMessage(), e);
    }
  }

  static PemFiles writeFiles(CertSnapshot first, Path dir, String spiffeId) {
    try {
      PemFiles files = PemFiles.create(dir);
      files.write(first);
      return files;
    } catch (IOException e) {
      throw new IdentityException("cannot write identity files for " + spiffeId + " to "
          + (dir == null ? "a temp directory" : dir) + ": " + e, e);
    }
  }
}
