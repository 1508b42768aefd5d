package dev.meshwork.core.identity;

/**
 * {@link MeshIdentity#start} could not obtain a first certificate: the control plane was not
 * reachable in time, the CA refused (its reason is in the message), or its answer was unusable.
 * The message names the control plane and the SPIFFE ID asked for.
 */
public final class IdentityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
