package dev.meshwork.core.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a mesh records for every call. Immutable.
 *
 * @param enabled false turns metrics, spans and access logs off (the call path then does nothing)
 * @param naming which metric names and labels to publish (see {@link MetricNaming})
 * @param endpointTags adds the endpoint ({@code ip:port}) as a tag: opt-in, since it multiplies
 *     series by the number of endpoints
 * @param openTelemetry where spans go; null for {@code GlobalOpenTelemetry} (a no-op until the
 *     application installs an SDK)
 * @param accessLog one line per call on logger {@code dev.meshwork.access} (INFO)
 * @param samplerAttributes gives the OpenTelemetry sampler each call's and server span's attributes
 *     at start (method, path or RPC names, destination), as the semantic conventions suggest for
 *     samplers that decide by attribute. Off by default: the SDK then builds an attribute map of
 *     about 430 B per span, sampled or not, and parent-based and ratio samplers (the SDK's default
 *     and the usual choice) never read it. Off, a recording span gets the same attributes right
 *     after start; only the sampler doesn't see them.
 */
public record TelemetryOptions(boolean enabled, Set<MetricNaming> naming, boolean endpointTags,
    OpenTelemetry openTelemetry, boolean accessLog, boolean samplerAttributes) {
  /** Metrics with OpenTelemetry names, spans to the global OpenTelemetry, no access log. */
  public static final TelemetryOptions DEFAULTS =
      new TelemetryOptions(true, EnumSet.of(MetricNaming.OPENTELEMETRY), false, null, false, false);
  /** Nothing recorded. */
  public static final TelemetryOptions DISABLED = new TelemetryOptions(false, Set.of(), false, null, false, false);

  public TelemetryOptions {
    naming = naming.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(naming));
  }

  /** Options as before {@code samplerAttributes} existed: the sampler sees no attributes at start. */
  public TelemetryOptions(boolean enabled, Set<MetricNaming> naming, boolean endpointTags, OpenTelemetry openTelemetry,
      boolean accessLog) {
    this(enabled, naming, endpointTags, openTelemetry, accessLog, false);
  }

  /** These options with these metric namings. */
  public TelemetryOptions withNaming(MetricNaming... names) {
    return new TelemetryOptions(enabled, Set.of(names), endpointTags, openTelemetry, accessLog, samplerAttributes);
  }

  /** These options sending spans to {@code otel}. */
  public TelemetryOptions withOpenTelemetry(OpenTelemetry otel) {
    return new TelemetryOptions(enabled, naming, endpointTags, Objects.requireNonNull(otel, "otel"), accessLog,
        samplerAttributes);
  }

  /** These options with the access log on or off. */
  public TelemetryOptions withAccessLog(boolean on) {
    return new TelemetryOptions(enabled, naming, endpointTags, openTelemetry, on, samplerAttributes);
  }

  /** These options with or without the endpoint tag. */
  public TelemetryOptions withEndpointTags(boolean on) {
    return new TelemetryOptions(enabled, naming, on, openTelemetry, accessLog, samplerAttributes);
  }

  /** These options with the span attributes given to the sampler at start, or only after it. */
  public TelemetryOptions withSamplerAttributes(boolean on) {
    return new TelemetryOptions(enabled, naming, endpointTags, openTelemetry, accessLog, on);
  }
}
