package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP client's xDS client talks incremental (delta) ADS to the real control plane, which
 * offers it, and a config change reaches it over that stream. The protocol is read from the xDS
 * client's log (slf4j-simple writes to the current {@code System.err}): the one INFO line it
 * logs on its first delta response, and no fallback or reconnect line.
 */
class DeltaXdsIT {
  @TempDir Path tmp;

  static String routeAllTo(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination:
                host: reviews
                subset: %s
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
        """.formatted(subset);
  }

  @Test
  void httpClient_receivesConfigOverDelta_andAConfigChangeArrivesOnTheSameStream() throws Exception {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
    try (HttpMesh mesh = new HttpMesh(tmp)) {
      mesh.upstream("reviews", "v1-a", Map.of("version", "v1"));
      mesh.upstream("reviews", "v2-a", Map.of("version", "v2"));
      mesh.apply("reviews.yaml", routeAllTo("v1"));
      OkHttpClient client = mesh.client().client();

      assertEquals(Map.of("v1-a", 20), HttpMesh.distribution(client, "http://reviews/r", Map.of(), 20));
      String target = mesh.cp.xdsTarget();
      assertTrue(captured(log).contains("of test-client receives config from " + target + " over delta"),
          "the client's xDS stream is delta");

      mesh.apply("reviews.yaml", routeAllTo("v2"));
      HttpMesh.await("the route change over delta",
          () -> HttpMesh.get(client, "http://reviews/r", Map.of()).equals("v2-a"), 10_000);
      assertEquals(Map.of("v2-a", 20), HttpMesh.distribution(client, "http://reviews/r", Map.of(), 20));

      String all = captured(log);
      assertFalse(all.contains("Control plane " + target + " does not offer delta"), "no fallback to SotW");
      assertFalse(all.contains("xDS stream to " + target), "no reconnect: the change came on the delta stream");
    } finally {
      System.setErr(originalErr);
    }
  }

  private static String captured(ByteArrayOutputStream log) {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  /** Copies everything written to System.err into a buffer as well. */
  static final class Tee extends OutputStream {
    private final OutputStream first;
    private final ByteArrayOutputStream second;

    Tee(OutputStream first, ByteArrayOutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      synchronized (second) {
        second.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      first.flush();
    }
  }
}
