package dev.meshwork.core.internal.model.parse;

import static dev.meshwork.core.internal.model.parse.BadField.at;

import com.google.protobuf.Any;
import dev.meshwork.core.internal.model.ClusterModel;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A cluster's {@code transport_socket}: none or raw_buffer is plaintext; an UpstreamTlsContext
 * means mTLS with this workload's mesh certificate (whatever certificate provider instance it
 * names: the HTTP client has one identity) and the peer identities its validation context lists.
 * Only exact SAN matchers are accepted, as istiod and Meshwork's control plane write them; a
 * matcher we cannot apply exactly is an error rather than a looser check.
 */
final class UpstreamTlsParser {
  private UpstreamTlsParser() {}

  /** Null for plaintext. */
  static dev.meshwork.core.engine.UpstreamTls tls(Cluster c) {
    if (c.getTransportSocketMatchesCount() > 0) {
      throw new BadField("transport_socket_matches", "is not supported (expected: one transport_socket)");
    }
    if (!c.hasTransportSocket()) {
      return null;
    }
    TransportSocket socket = c.getTransportSocket();
    Any config = socket.getTypedConfig();
    if (config.is(RawBuffer.class) || (!socket.hasTypedConfig() && socket.getName().endsWith("raw_buffer"))) {
      return null;
    }
    if (!config.is(UpstreamTlsContext.class)) {
      throw new BadField("transport_socket.typed_config", Protos.typeName(config)
          + " is not supported (expected: UpstreamTlsContext or RawBuffer)");
    }
    UpstreamTlsContext tls = Protos.unpack(config, UpstreamTlsContext.class);
    Set<String> ids = at("transport_socket.typed_config.common_tls_context", () -> identities(tls.getCommonTlsContext()));
    return new dev.meshwork.core.engine.UpstreamTls(ids, tls.getSni());
  }

  private static Set<String> identities(CommonTlsContext common) {
    CertificateValidationContext v;
    String path;
    if (common.hasCombinedValidationContext()) {
      v = common.getCombinedValidationContext().getDefaultValidationContext();
      path = "combined_validation_context.default_validation_context";
    } else {
      v = common.getValidationContext();
      path = "validation_context";
    }
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < v.getMatchSubjectAltNamesCount(); i++) {
      int n = i;
      ids.add(at(path + ".match_subject_alt_names[" + i + "]", () -> exact(v.getMatchSubjectAltNames(n))));
    }
    for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
      SubjectAltNameMatcher m = v.getMatchTypedSubjectAltNames(i);
      String at = path + ".match_typed_subject_alt_names[" + i + "]";
      if (m.getSanType() != SubjectAltNameMatcher.SanType.URI) {
        throw new BadField(at + ".san_type", m.getSanType() + " is not supported (expected: URI)");
      }
      ids.add(at(at + ".matcher", () -> exact(m.getMatcher())));
    }
    return ids;
  }

  private static String exact(StringMatcher m) {
    if (m.getMatchPatternCase() != StringMatcher.MatchPatternCase.EXACT || m.getIgnoreCase()) {
      throw new BadField("", m.getMatchPatternCase().name().toLowerCase(java.util.Locale.ROOT)
          + (m.getIgnoreCase() ? " with ignore_case" : "") + " is not supported (expected: exact)");
    }
    return m.getExact();
  }
}
