package dev.meshwork.grpc.internal;

import io.grpc.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC metadata as OpenTelemetry's propagators see it: ASCII keys only. Setting a key replaces
 * any value already there (one {@code traceparent} per request). Stateless and thread-safe.
 */
public final class GrpcMetadataCarrier implements TextMapGetter<Metadata>, TextMapSetter<Metadata> {
  public static final GrpcMetadataCarrier INSTANCE = new GrpcMetadataCarrier();
  private static final Metadata.Key<String> TRACEPARENT = ascii("traceparent");
  private static final Metadata.Key<String> TRACESTATE = ascii("tracestate");
  private static final Metadata.Key<String> BAGGAGE = ascii("baggage");

  private GrpcMetadataCarrier() {}

  @Override
  public void set(Metadata carrier, String key, String value) {
    if (carrier == null) {
      return;
    }
    Metadata.Key<String> k = key(key);
    carrier.discardAll(k);
    carrier.put(k, value);
  }

  @Override
  public String get(Metadata carrier, String key) {
    if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return null;
    }
    return carrier.get(key(key));
  }

  @Override
  public Iterable<String> keys(Metadata carrier) {
    List<String> keys = new ArrayList<>();
    for (String k : carrier.keys()) {
      if (!k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static Metadata.Key<String> key(String name) {
    return switch (name) {
      case "traceparent" -> TRACEPARENT;
      case "tracestate" -> TRACESTATE;
      case "baggage" -> BAGGAGE;
      default -> ascii(name);
    };
  }

  private static Metadata.Key<String> ascii(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
