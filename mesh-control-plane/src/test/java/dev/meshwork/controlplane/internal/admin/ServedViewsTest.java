package dev.meshwork.controlplane.internal.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.controlplane.internal.config.ConfigLoader;
import dev.meshwork.controlplane.internal.config.LoadResult;
import dev.meshwork.controlplane.internal.xds.XdsResources;
import dev.meshwork.controlplane.internal.xds.XdsTranslator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServedViewsTest {
  @Test
  void everyTypedConfigTheTranslatorEmits_rendersAsJson() {
    LoadResult r = ConfigLoader.load(Map.of("reviews.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
          annotations: {ratelimit.meshwork.dev/local: "10/1s"}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
            mirror: {host: reviews-shadow}
            fault: {abort: {httpStatus: 503, percentage: {value: 1}}}
        """));
    assertTrue(r.ok(), r.errors().toString());
    XdsResources served = XdsTranslator.translate(r.config(), List.of());
    ServedViews views = new ServedViews(() -> served);
    String listeners = ((AdminServer.RawJson) views.listeners()).text();
    String routes = ((AdminServer.RawJson) views.routes()).text();
    String clusters = ((AdminServer.RawJson) views.clusters()).text();
    for (String json : List.of(listeners, routes, clusters)) {
      assertFalse(json.contains("\"error\""), json);
    }
    assertTrue(listeners.contains("envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit"), listeners);
    assertTrue(routes.contains("\"tokenBucket\""), routes);
    assertTrue(routes.contains("requestMirrorPolicies"), routes);
  }
}
