package dev.meshwork.core.internal.xds;

/**
 * An xDS resource we cannot use; the message names the resource and the field and is sent back to
 * the control plane in the NACK, e.g. {@code cluster outbound|80||reviews: lb_policy
 * CLUSTER_PROVIDED is not supported}.
 */
public final class InvalidResourceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidResourceException(String message) {
    super(message);
  }
}
