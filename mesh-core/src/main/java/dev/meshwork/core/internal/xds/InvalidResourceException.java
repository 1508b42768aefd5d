package dev.meshwork.core.internal.xds;

/**
 * A resource the client cannot use. The message is sent verbatim to the control plane in a NACK,
 * so it should name the resource, the field path and why, e.g. {@code "Listener reviews:
 * api_listener.http_connection_manager.rds: config_source must be ads"}.
 */
public final class InvalidResourceException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidResourceException(String message) {
    super(message);
  }

  public InvalidResourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
