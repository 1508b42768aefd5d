package dev.meshwork.controlplane.internal.config;

import dev.meshwork.controlplane.internal.model.ClientTls;
import java.util.List;

/**
 * DestinationRule {@code trafficPolicy.tls}: mode DISABLE or ISTIO_MUTUAL (the mesh's own
 * certificates), with optional {@code sni} and {@code subjectAltNames} for ISTIO_MUTUAL. SIMPLE
 * and MUTUAL need certificates from files or secrets, which proxyless clients do not load: errors.
 */
final class ClientTlsParser {
  private static final String FILES = "Meshwork clients use the mesh's certificates only (ISTIO_MUTUAL)";
  private static final Schema TLS = Schema.of("mode", "sni", "subjectAltNames")
      .unsupported("clientCertificate", FILES).unsupported("privateKey", FILES).unsupported("caCertificates", FILES)
      .unsupported("credentialName", FILES).unsupported("caCrl", FILES).unsupported("insecureSkipVerify", FILES);

  private ClientTlsParser() {}

  /** {@code tls} of a traffic policy; null when absent or invalid (reported). Istio's default mode is DISABLE. */
  static ClientTls parse(ObjectReader policy) {
    ObjectReader t = policy.object("tls", TLS);
    if (t == null || !t.valid()) {
      return null;
    }
    int before = t.ctx().errorCount();
    String mode = t.oneOf("mode", List.of("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"));
    if ("SIMPLE".equals(mode) || "MUTUAL".equals(mode)) {
      t.ctx().error(t.path("mode"), "not supported by Meshwork yet: " + mode + " (" + FILES + "; use ISTIO_MUTUAL or DISABLE)");
    }
    String sni = t.string("sni");
    List<String> sans = t.stringList("subjectAltNames");
    for (int i = 0; i < sans.size(); i++) {
      if (sans.get(i).isEmpty()) {
        t.ctx().error(ObjectReader.index(t.path("subjectAltNames"), i), "must not be empty");
      }
    }
    if (sni != null && sni.isEmpty()) {
      t.ctx().error(t.path("sni"), "must not be empty");
    }
    boolean mutual = "ISTIO_MUTUAL".equals(mode);
    if (!mutual && mode != null || !t.has("mode")) {
      for (String key : List.of("sni", "subjectAltNames")) {
        if (t.has(key)) {
          t.ctx().error(t.path(key), "applies only with mode: ISTIO_MUTUAL (Istio ignores it otherwise)");
        }
      }
    }
    if (t.ctx().errorCount() != before) {
      return null;
    }
    return new ClientTls(mutual ? ClientTls.Mode.ISTIO_MUTUAL : ClientTls.Mode.DISABLE, sni, sans);
  }
}
