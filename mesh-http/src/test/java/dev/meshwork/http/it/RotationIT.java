package dev.meshwork.http.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.grpc.MeshChannels;
import dev.meshwork.http.MeshHttp;
import io.grpc.ManagedChannel;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "workload identity" tests 3 and 4: certificates with a 20 s lifetime rotate (at half their
 * life, with jitter) under a steady stream of calls over real mTLS without one failure; and a CA
 * that is down when a renewal falls due costs nothing until the certificate would expire, and the
 * renewal succeeds once it is back.
 */
class RotationIT {
  private static final Duration TTL = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void rotationUnderLoad_noFailedCall_andBothSidesPresentTheirNewCertificates() throws Exception {
    try (SecureMesh mesh = new SecureMesh(tmp, TTL)) {
      mesh.apply("peer-authentication.yaml", MtlsIT.STRICT);
      Mesh reviewsMesh = mesh.workload("reviews");
      Mesh ratingsMesh = mesh.workload("ratings");
      mesh.httpServer(reviewsMesh, "reviews");
      mesh.grpcServer(ratingsMesh, "ratings");
      Mesh productpage = mesh.workload("productpage");
      MeshIdentity client = productpage.identity().orElseThrow();
      MeshIdentity server = reviewsMesh.identity().orElseThrow();
      Set<String> clientSerials = new HashSet<>();
      Set<String> serverSerials = new HashSet<>();
      ManagedChannel channel = MeshChannels.forService(mesh.settings("productpage"), "ratings");
      try (MeshHttp http = MeshHttp.using(productpage)) {
        OkHttpClient ok = http.client();
        HttpMesh.await("ratings over mTLS", () -> MtlsIT.whoOrNull(channel) != null, 15_000);
        String firstClient = SecureMesh.serialOf(client);
        String firstServer = SecureMesh.serialOf(server);
        int calls = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // Until each side has rotated twice (three serials seen) and at least 1,000 calls were made
        // on each transport; bounded in time and count.
        while ((clientSerials.size() < 3 || serverSerials.size() < 3 || calls < 1000)
            && System.nanoTime() < deadline && calls < 20_000) {
          if (calls % 50 == 0) {
            ok.connectionPool().evictAll(); // new handshakes, so rotated certificates are presented
          }
          try (Response r = ok.newCall(new Request.Builder().url("http://reviews/reviews/" + calls).build()).execute()) {
            assertEquals(200, r.code(), "call " + calls);
            String body = r.body().string();
            clientSerials.add(body.substring(body.indexOf('|') + 1));
            serverSerials.add(((X509Certificate) r.handshake().peerCertificates().get(0)).getSerialNumber().toString(16));
          }
          assertTrue(MtlsIT.who(channel).startsWith("ratings|"), "gRPC call " + calls);
          calls++;
          Thread.sleep(2); // a steady stream, not a flood
        }
        assertTrue(calls >= 1000, "at least 1,000 calls per transport, made " + calls);
        assertTrue(clientSerials.size() >= 3, "the client rotated at least twice: " + clientSerials);
        assertTrue(serverSerials.size() >= 3, "the server rotated at least twice: " + serverSerials);

        // Afterwards, a new connection presents each side's current certificate.
        ok.connectionPool().evictAll();
        try (Response r = ok.newCall(new Request.Builder().url("http://reviews/reviews/last").build()).execute()) {
          String body = r.body().string();
          assertEquals(SecureMesh.serialOf(client), body.substring(body.indexOf('|') + 1), "server sees the client's new serial");
          assertEquals(SecureMesh.serialOf(server),
              ((X509Certificate) r.handshake().peerCertificates().get(0)).getSerialNumber().toString(16),
              "client sees the server's new serial");
        }
        assertNotEquals(firstClient, SecureMesh.serialOf(client));
        assertNotEquals(firstServer, SecureMesh.serialOf(server));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void caDownAtRenewal_callsKeepWorkingOnTheValidCertificate_andRenewalSucceedsWhenItReturns() throws Exception {
    try (SecureMesh mesh = new SecureMesh(tmp, TTL)) {
      mesh.apply("peer-authentication.yaml", MtlsIT.STRICT);
      Mesh reviewsMesh = mesh.workload("reviews");
      mesh.httpServer(reviewsMesh, "reviews");
      Mesh productpage = mesh.workload("productpage");
      MeshIdentity client = productpage.identity().orElseThrow();
      X509Certificate first = client.currentCertificate();
      BigInteger firstSerial = first.getSerialNumber();
      try (MeshHttp http = MeshHttp.using(productpage)) {
        OkHttpClient ok = http.client();
        HttpMesh.await("reviews over mTLS", () -> HttpMesh.get(ok, "http://reviews/r", java.util.Map.of()).startsWith("reviews|"),
            15_000);
        int port = mesh.cp.xdsPort();
        mesh.cp.close(); // the CA (and the rest of the control plane) is down
        // Past the renewal point (half of 20 s, at most 60% with jitter) and short of expiry.
        long renewalDue = first.getNotBefore().getTime() + 60_000 + (long) (TTL.toMillis() * 0.6); // notBefore is 1 min early
        int calls = 0;
        while (System.currentTimeMillis() < renewalDue + 1_000) {
          ok.connectionPool().evictAll();
          String body = HttpMesh.get(ok, "http://reviews/r", java.util.Map.of());
          assertTrue(body.startsWith("reviews|"), "call " + calls + " while the CA is down: " + body);
          calls++;
          Thread.sleep(20);
        }
        assertEquals(firstSerial, client.currentCertificate().getSerialNumber(), "no CA, no renewal: the valid one is kept");

        mesh.cp = mesh.controlPlane(port, Duration.ofSeconds(2)); // back, same root
        HttpMesh.await("renewal once the CA is back",
            () -> !client.currentCertificate().getSerialNumber().equals(firstSerial), 15_000);
        assertTrue(client.currentCertificate().getNotAfter().after(first.getNotAfter()));
        String expected = "";
        String last = "";
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!last.equals(expected) && System.nanoTime() < until) {
          ok.connectionPool().evictAll();
          expected = "reviews|" + SecureMesh.serialOf(client); // it may renew again meanwhile
          last = HttpMesh.get(ok, "http://reviews/r", java.util.Map.of());
          Thread.sleep(50);
        }
        assertEquals(expected, last, "a new connection presents the renewed certificate (first was "
            + firstSerial.toString(16) + ")");
      }
    }
  }
}
