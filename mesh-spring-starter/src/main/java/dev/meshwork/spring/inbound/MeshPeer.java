package dev.meshwork.spring.inbound;

import dev.meshwork.core.identity.SpiffeId;
import jakarta.servlet.ServletRequest;
import java.util.Optional;

/**
 * The authenticated caller of the current request, as the inbound filter found it in the TLS
 * session: a {@link SpiffeId} in request attribute {@value #ATTRIBUTE}. Stateless and thread-safe.
 *
 * <pre>{@code
 * @GetMapping("/hello")
 * String hello(HttpServletRequest request) {
 *   return "hello " + MeshPeer.of(request).map(SpiffeId::serviceAccount).orElse("anonymous");
 * }
 * }</pre>
 */
public final class MeshPeer {
  /** The request attribute holding the caller's {@link SpiffeId} (absent for plaintext or anonymous callers). */
  public static final String ATTRIBUTE = "dev.meshwork.peer";

  private MeshPeer() {}

  /** The caller's SPIFFE ID; empty without a verified mesh client certificate. */
  public static Optional<SpiffeId> of(ServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof SpiffeId id ? Optional.of(id) : Optional.empty();
  }
}
