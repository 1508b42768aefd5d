package dev.meshwork.benchmarks;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.meshwork.core.identity.MeshIdentity;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The loopback servers both clients call: 1 KiB per response. Plaintext, or (with a server
 * identity) an HTTPS server and a gRPC server with TLS, both requiring a client certificate that
 * chains to the mesh CA; they present the identity's certificate (its SPIFFE ID in the SAN) and
 * count requests by the serial of the client certificate they came with (see {@link #seen}).
 */
final class Servers implements AutoCloseable {
  private static final String PEER_COUNTER = "meshwork.bench.peer";

  static final byte[] KIB = new byte[1024];
  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("bench.Bench/Get")
      .setRequestMarshaller(new Bytes())
      .setResponseMarshaller(new Bytes())
      .build();

  final HttpServer http;
  final Server grpc;
  private final EventLoopGroup grpcBoss;
  private final EventLoopGroup grpcWorkers;
  private final ExecutorService grpcPool;
  private final ExecutorService httpPool;
  /** Requests by client certificate serial (hex), per server; "none" for a TLS session without one. */
  private final Map<String, LongAdder> httpPeers = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> grpcPeers = new ConcurrentHashMap<>();
  /** TLS sessions (connections; a resumed one is a new session too) by client certificate serial, per server. */
  private final Map<String, LongAdder> httpSessions = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> grpcSessions = new ConcurrentHashMap<>();

  /** Plaintext servers. */
  Servers() throws IOException {
    this(null);
  }

  /** TLS servers presenting {@code identity}'s certificate and requiring client certificates; null: plaintext. */
  Servers(MeshIdentity identity) throws IOException {
    String kind = identity == null ? "plain" : "tls";
    httpPool = Executors.newFixedThreadPool(16, new NamedThreads("bench-http-" + kind));
    // sun.net.httpserver.nodelay=true is set by Main before the server classes load.
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    if (identity == null) {
      http = HttpServer.create(any, 1024);
    } else {
      HttpsServer https = HttpsServer.create(any, 1024);
      https.setHttpsConfigurator(new HttpsConfigurator(identity.sslContext()) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = identity.sslContext().getDefaultSSLParameters();
          p.setNeedClientAuth(true);
          params.setSSLParameters(p);
        }
      });
      http = https;
    }
    http.createContext("/", exchange -> {
      if (exchange instanceof HttpsExchange tls) {
        count(httpPeers, httpSessions, tls.getSSLSession());
      }
      try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
        in.readAllBytes();
        if (HOLD.equals(exchange.getRequestURI().getRawQuery())) {
          hold();
        }
        exchange.sendResponseHeaders(200, KIB.length);
        out.write(KIB);
      }
    });
    http.setExecutor(httpPool);
    http.start();
    ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Bench")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(KIB);
          out.onCompleted();
        })).build();
    // Its own event loops and executor, as a server in another process would have. On grpc-netty's
    // defaults, servers and channels share one event loop group: a connection whose client and
    // server ends land on the same loop thread skips the cross-thread wake-ups the others pay, and
    // which channel gets such a connection is chance (it moved CPU per call by ~25% run to run).
    grpcBoss = eventLoops(1, "bench-grpc-" + kind + "-boss");
    grpcWorkers = eventLoops(0, "bench-grpc-" + kind + "-loop");
    grpcPool = Executors.newCachedThreadPool(new NamedThreads("bench-grpc-" + kind));
    if (identity == null) {
      grpc = serverBuilder(NettyServerBuilder.forAddress(any)).addService(service).build().start();
    } else {
      ServerInterceptor peers = new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
          count(grpcPeers, grpcSessions, call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
          return next.startCall(call, headers);
        }
      };
      ServerCredentials tls = TlsServerCredentials.newBuilder()
          .keyManager(identity.keyManager()).trustManager(identity.trustManager())
          .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE).build();
      grpc = serverBuilder(NettyServerBuilder.forAddress(any, tls))
          .addService(ServerInterceptors.intercept(service, peers)).build().start();
    }
  }

  private NettyServerBuilder serverBuilder(NettyServerBuilder b) {
    return b.bossEventLoopGroup(grpcBoss).workerEventLoopGroup(grpcWorkers).executor(grpcPool)
        .channelType(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
  }

  /** Epoll where grpc-netty would use it by default, else NIO; 0 threads: Netty's default (2 × cores). */
  private static EventLoopGroup eventLoops(int threads, String name) {
    var factory = new DefaultThreadFactory(name, true);
    return Epoll.isAvailable() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
  }

  /**
   * The query of a priming request ({@link HttpTarget#prime}): the server holds it a little before
   * answering, so that the client has many calls in flight at once, each on its own connection.
   */
  static final String HOLD = "hold";

  private static void hold() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts a request under its client certificate's serial, cached on the TLS session. */
  private static void count(Map<String, LongAdder> peers, Map<String, LongAdder> sessions, SSLSession session) {
    if (session == null) {
      peers.computeIfAbsent("plaintext", k -> new LongAdder()).increment();
      return;
    }
    LongAdder c = (LongAdder) session.getValue(PEER_COUNTER);
    if (c == null) {
      String serial = serialOf(session);
      c = peers.computeIfAbsent(serial, k -> new LongAdder());
      session.putValue(PEER_COUNTER, c);
      sessions.computeIfAbsent(serial, k -> new LongAdder()).increment();
    }
    c.increment();
  }

  private static String serialOf(SSLSession session) {
    try {
      return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber().toString(16);
    } catch (SSLPeerUnverifiedException e) {
      return "none";
    }
  }

  /** Requests the HTTP or gRPC server received with the client certificate of this serial (hex). */
  long seen(String protocol, String serial) {
    LongAdder c = (protocol.equals("http") ? httpPeers : grpcPeers).get(serial);
    return c == null ? 0 : c.sum();
  }

  /** TLS sessions the HTTP or gRPC server saw with the client certificate of this serial (hex). */
  long sessions(String protocol, String serial) {
    LongAdder c = (protocol.equals("http") ? httpSessions : grpcSessions).get(serial);
    return c == null ? 0 : c.sum();
  }

  /** Every serial (or "none"/"plaintext") a server saw, with its request count, for diagnostics. */
  String peers(String protocol) {
    return (protocol.equals("http") ? httpPeers : grpcPeers).toString();
  }

  /** Thread factory naming its threads {@code <prefix>-<n>}, daemon. */
  record NamedThreads(String prefix, java.util.concurrent.atomic.AtomicInteger n) implements java.util.concurrent.ThreadFactory {
    NamedThreads(String prefix) {
      this(prefix, new java.util.concurrent.atomic.AtomicInteger());
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  int httpPort() {
    return http.getAddress().getPort();
  }

  int grpcPort() {
    return grpc.getPort();
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    http.stop(0);
    httpPool.shutdownNow();
    try {
      grpc.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    grpcWorkers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    grpcBoss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    grpcPool.shutdownNow();
  }

  /** byte[] as is. */
  static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
