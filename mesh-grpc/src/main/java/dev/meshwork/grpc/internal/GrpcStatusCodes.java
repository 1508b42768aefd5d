package dev.meshwork.grpc.internal;

import io.grpc.Status;

/** Numeric gRPC status codes as the strings telemetry records, without allocating per call. */
final class GrpcStatusCodes {
  private static final String[] CODES = new String[Status.Code.values().length];

  static {
    for (Status.Code c : Status.Code.values()) {
      CODES[c.value()] = Integer.toString(c.value());
    }
  }

  private GrpcStatusCodes() {}

  static String of(Status status) {
    return CODES[status.getCode().value()];
  }
}
