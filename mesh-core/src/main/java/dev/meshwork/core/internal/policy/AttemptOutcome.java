package dev.meshwork.core.internal.policy;

/**
 * How one attempt at an upstream call ended, whatever the transport. Adapters build it from an
 * OkHttp response/exception or a gRPC status; retry, outlier detection and stats read it.
 *
 * <p>For a gRPC call answered by the server, {@code httpStatus} is the HTTP status on the wire
 * (200 for a normal gRPC response) and {@code grpcStatus} the gRPC code. Like Envoy, retries look
 * at both as they are (the {@code 5xx} token does not fire on a gRPC UNAVAILABLE carried in a 200),
 * while outlier detection sees the gRPC code mapped to HTTP ({@link #outlierStatus()}).
 *
 * <p>Immutable; the factories return shared instances, so classifying an attempt never allocates.
 *
 * @param httpStatus 100..599 for {@link Kind#RESPONSE}, else 0
 * @param grpcStatus gRPC code 0..16 when the response carried one, else -1
 */
public record AttemptOutcome(Kind kind, int httpStatus, int grpcStatus) {
  /** What happened to the attempt. */
  public enum Kind {
    /** The upstream answered; the status fields say how. */
    RESPONSE,
    /** Could not connect (refused, connect timeout, TLS failure): the request was never sent. */
    CONNECT_FAILURE,
    /** HTTP/2 REFUSED_STREAM: the server did not process the request (RFC 9113 §8.7). */
    REFUSED_STREAM,
    /** Disconnect or stream reset after connecting, before a response. */
    RESET,
    /** The per-try timeout fired before a response. */
    TIMEOUT
  }

  private static final AttemptOutcome[] HTTP = new AttemptOutcome[600];
  private static final AttemptOutcome[] GRPC = new AttemptOutcome[17];
  private static final AttemptOutcome CONNECT_FAILURE = new AttemptOutcome(Kind.CONNECT_FAILURE, 0, -1);
  private static final AttemptOutcome REFUSED_STREAM = new AttemptOutcome(Kind.REFUSED_STREAM, 0, -1);
  private static final AttemptOutcome RESET = new AttemptOutcome(Kind.RESET, 0, -1);
  private static final AttemptOutcome TIMEOUT = new AttemptOutcome(Kind.TIMEOUT, 0, -1);

  static {
    for (int s = 100; s < HTTP.length; s++) {
      HTTP[s] = new AttemptOutcome(Kind.RESPONSE, s, -1);
    }
    for (int c = 0; c < GRPC.length; c++) {
      GRPC[c] = new AttemptOutcome(Kind.RESPONSE, 200, c);
    }
  }

  public AttemptOutcome {
    if (kind == null) {
      throw new NullPointerException("kind");
    }
    if (kind == Kind.RESPONSE) {
      if (httpStatus < 100 || httpStatus > 599) {
        throw new IllegalArgumentException("httpStatus: " + httpStatus + " (expected: 100..599)");
      }
      if (grpcStatus < -1 || grpcStatus > 16) {
        throw new IllegalArgumentException("grpcStatus: " + grpcStatus + " (expected: -1..16)");
      }
    } else if (httpStatus != 0 || grpcStatus != -1) {
      throw new IllegalArgumentException(kind + " has no status: " + httpStatus + "/" + grpcStatus);
    }
  }

  /** An HTTP response with this status. */
  public static AttemptOutcome http(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
    }
    return HTTP[status];
  }

  /**
   * A gRPC response (HTTP 200) with this status code; codes outside 0..16 count as UNKNOWN (2), as
   * gRPC itself treats them.
   */
  public static AttemptOutcome grpc(int code) {
    return GRPC[code >= 0 && code <= 16 ? code : 2];
  }

  public static AttemptOutcome connectFailure() {
    return CONNECT_FAILURE;
  }

  public static AttemptOutcome refusedStream() {
    return REFUSED_STREAM;
  }

  public static AttemptOutcome reset() {
    return RESET;
  }

  public static AttemptOutcome timeout() {
    return TIMEOUT;
  }

  /** True when the request certainly never reached the application, so any method may be resent. */
  public boolean neverProcessed() {
    return kind == Kind.CONNECT_FAILURE || kind == Kind.REFUSED_STREAM;
  }

  /**
   * The HTTP status Envoy's outlier detector would see: gRPC codes mapped as Envoy's
   * {@code Grpc::Utility::grpcToHttpStatus}, and local failures mapped as when
   * {@code split_external_local_origin_errors} is off (connect failure and resets 503, timeout 504).
   */
  public int outlierStatus() {
    return switch (kind) {
      case CONNECT_FAILURE, REFUSED_STREAM, RESET -> 503;
      case TIMEOUT -> 504;
      case RESPONSE -> grpcStatus >= 0 ? grpcToHttp(grpcStatus) : httpStatus;
    };
  }

  /** Any 5xx by {@link #outlierStatus()}, so including connect failures, resets and timeouts. */
  public boolean is5xx() {
    int s = outlierStatus();
    return s >= 500 && s <= 599;
  }

  /**
   * Envoy's gateway error: 502, 503 or 504 by {@link #outlierStatus()}, which includes connect
   * failures, resets and timeouts (and gRPC UNAVAILABLE / DEADLINE_EXCEEDED).
   */
  public boolean isGatewayError() {
    int s = outlierStatus();
    return s >= 502 && s <= 504;
  }

  static int grpcToHttp(int code) {
    return switch (code) {
      case 0 -> 200; // OK
      case 1 -> 499; // CANCELLED: client closed request
      case 3, 9, 11 -> 400; // INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE
      case 4 -> 504; // DEADLINE_EXCEEDED
      case 5 -> 404; // NOT_FOUND
      case 6, 10 -> 409; // ALREADY_EXISTS, ABORTED
      case 7 -> 403; // PERMISSION_DENIED
      case 8 -> 429; // RESOURCE_EXHAUSTED
      case 12 -> 501; // UNIMPLEMENTED
      case 14 -> 503; // UNAVAILABLE
      case 16 -> 401; // UNAUTHENTICATED
      default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS
    };
  }
}
