package dev.meshwork.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** An OkHttp client (bare or with the mesh installed) GETting 1 KiB from one URL. */
final class HttpTarget implements Target {
  private final String name;
  private final OkHttpClient client;
  private final Request request;
  private final Request hold;

  HttpTarget(String name, OkHttpClient client, String url) {
    this.name = name;
    this.client = client;
    this.request = new Request.Builder().url(url).build();
    this.hold = new Request.Builder().url(request.url().newBuilder().query(Servers.HOLD).build()).build();
  }

  /**
   * Calls in flight per host (the rest wait in the dispatcher's queue; the open loop still counts
   * their latency from the intended start). Uncapped, a stall at 2,000 rps makes OkHttp open a
   * connection per waiting call, and with TLS the handshakes feed the stall (hundreds of
   * connections, seconds of latency) until the pool is big enough.
   */
  static final int MAX_PER_HOST = 64;

  /** The same builder for both clients: dispatcher and pool as above, idle connections kept 10 minutes. */
  static OkHttpClient.Builder builder() {
    Dispatcher d = new Dispatcher();
    d.setMaxRequests(4096);
    d.setMaxRequestsPerHost(MAX_PER_HOST);
    return new OkHttpClient.Builder().dispatcher(d).connectionPool(new ConnectionPool(256, 10, TimeUnit.MINUTES));
  }

  /** Most priming rounds. */
  static final int PRIME_ROUNDS = 10;

  /**
   * Opens the pool's connections before anything is measured: {@link #MAX_PER_HOST} concurrent
   * calls that the server holds for 20 ms (each answer scheduled on its event loop), so each takes
   * a connection of its own; at least 3 rounds, then more (at most {@value #PRIME_ROUNDS}) until
   * the pool holds {@link #MAX_PER_HOST} connections. A burst during the measurement then finds
   * its connections ready instead of handshaking. A TLS handshake in the middle of a run costs more
   * than its own time: the JIT compiled the TLS record path long after the priming handshakes, so
   * the first new one deoptimizes it (a whole-process trace showed over a second of recompiling in
   * the slices that followed).
   */
  @Override
  public void prime() throws InterruptedException {
    for (int round = 0; round < PRIME_ROUNDS && (round < 3 || connections() < MAX_PER_HOST); round++) {
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(MAX_PER_HOST);
      for (int i = 0; i < MAX_PER_HOST; i++) {
        call(hold, failure -> done.countDown());
      }
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + ": priming calls still running after 60 s");
      }
    }
  }

  /** Connections in the client's pool (idle or in use). */
  int connections() {
    return client.connectionPool().connectionCount();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void call() throws IOException {
    try (Response r = client.newCall(request).execute()) {
      consume(r);
    }
  }

  /**
   * One call, returning what the client saw of the transport: "plaintext", or the SPIFFE ID of
   * the server's certificate with the TLS version and cipher suite.
   */
  @Override
  public String probe() throws IOException {
    try (Response r = client.newCall(request).execute()) {
      consume(r);
      if (r.handshake() == null) {
        return "plaintext";
      }
      return Tls.idOf(r.handshake().peerCertificates().toArray(new java.security.cert.Certificate[0]))
          + " (" + r.handshake().tlsVersion().javaName() + ", " + r.handshake().cipherSuite().javaName() + ")";
    }
  }

  private static void consume(Response r) throws IOException {
    byte[] body = r.body().bytes();
    if (r.code() != 200 || body.length != 1024) {
      throw new IOException("HTTP " + r.code() + ", " + body.length + " bytes");
    }
  }

  @Override
  public void callAsync(Consumer<Throwable> done) {
    call(request, done);
  }

  private void call(Request r, Consumer<Throwable> done) {
    client.newCall(r).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        done.accept(e);
      }

      @Override
      public void onResponse(Call call, Response response) {
        try (response) {
          consume(response);
          done.accept(null);
        } catch (IOException e) {
          done.accept(e);
        }
      }
    });
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
