package dev.meshwork.controlplane.internal.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;

/** Small proto builders shared by the translators. */
final class XdsProtos {
  private XdsProtos() {}

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static UInt32Value uint32(long v) {
    // Envoy's uint32 fields; MaxUint32 does not fit a Java int, the proto setter takes the bits.
    return UInt32Value.newBuilder().setValue((int) v).build();
  }

  /**
   * "Fetch it over the same ADS stream": the only config source gRPC accepts for RDS and EDS
   * besides {@code self}.
   */
  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  static TypedExtensionConfig extension(String name, Message config) {
    return TypedExtensionConfig.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
  }
}
