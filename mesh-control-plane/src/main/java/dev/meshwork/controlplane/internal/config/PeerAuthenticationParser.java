package dev.meshwork.controlplane.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwork.controlplane.internal.model.PeerAuthentication;
import dev.meshwork.controlplane.internal.model.PeerAuthentication.MtlsMode;
import java.util.List;
import java.util.Map;

/**
 * PeerAuthentication spec: {@code selector.matchLabels} and {@code mtls.mode}. Port-level modes
 * are not applied yet (an error). A missing {@code mtls} is UNSET (inherit), as in Istio.
 */
final class PeerAuthenticationParser {
  private static final Schema SPEC = Schema.of("selector", "mtls")
      .unsupported("portLevelMtls", "one mode per server listener for now; use a workload-specific PeerAuthentication")
      .unsupported("targetRef", "targetRefs");
  private static final Schema MTLS = Schema.of("mode");

  private PeerAuthenticationParser() {}

  /** The policy, or null when it has errors (reported). */
  static PeerAuthentication parse(DocContext ctx, JsonNode specNode) {
    int before = ctx.errorCount();
    ObjectReader spec = ObjectReader.of(ctx, "spec", specNode, SPEC);
    Map<String, String> selector = Selectors.matchLabels(spec);
    MtlsMode mode = MtlsMode.UNSET;
    ObjectReader mtls = spec.object("mtls", MTLS);
    if (mtls != null) {
      String m = mtls.oneOf("mode", List.of("UNSET", "DISABLE", "PERMISSIVE", "STRICT"));
      mode = m == null ? MtlsMode.UNSET : MtlsMode.valueOf(m);
    }
    return ctx.errorCount() != before ? null : new PeerAuthentication(ctx.source(), ctx.namespace, selector, mode);
  }
}
