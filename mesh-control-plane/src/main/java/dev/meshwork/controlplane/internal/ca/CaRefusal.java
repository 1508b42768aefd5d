package dev.meshwork.controlplane.internal.ca;

import io.grpc.Status;

/** Why the CA refused a request: a gRPC status code and a reason meant for the caller's log. */
final class CaRefusal extends Exception {
  private final Status.Code code;

  CaRefusal(Status.Code code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  Status.Code code() {
    return code;
  }

  Status toStatus() {
    return Status.fromCode(code).withDescription(getMessage());
  }
}
