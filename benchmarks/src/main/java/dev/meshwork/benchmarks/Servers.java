package dev.meshwork.benchmarks;

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
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.SimpleChannelInboundHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.SocketChannel;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.FullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpObjectAggregator;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpServerCodec;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
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
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The loopback servers both clients call: 1 KiB per response. Plaintext, or (with a server
 * identity) an HTTPS server and a gRPC server with TLS, both requiring a client certificate that
 * chains to the mesh CA; they present the identity's certificate (its SPIFFE ID in the SAN) and
 * count requests by the serial of the client certificate they came with (see {@link #seen}).
 * Both are Netty servers (HTTP/1.1 with keep-alive; gRPC), each on event loops of its own.
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

  private final Channel http;
  final Server grpc;
  private final EventLoopGroup httpBoss;
  private final EventLoopGroup httpLoops;
  private final EventLoopGroup grpcBoss;
  private final EventLoopGroup grpcWorkers;
  private final ExecutorService grpcPool;
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
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    // Netty, as most JVM HTTP servers in production are (Reactor Netty, Vert.x, Micronaut). The JDK
    // HttpServer (BENCHMARKS.md sets A-H) reads request headers a byte at a time through a
    // synchronized stream: it spent ~27 µs of CPU and ~25 KB per request, and a 70-byte
    // traceparent cost the server more than the mesh client's whole telemetry.
    SslContext httpTls = identity == null ? null : SslContextBuilder.forServer(identity.keyManager())
        .trustManager(identity.trustManager()).clientAuth(ClientAuth.REQUIRE).build();
    httpBoss = eventLoops(1, "bench-http-" + kind + "-boss");
    httpLoops = eventLoops(0, "bench-http-" + kind + "-loop");
    try {
      http = new ServerBootstrap().group(httpBoss, httpLoops)
          .channel(serverChannel())
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (httpTls != null) {
                ch.pipeline().addLast(httpTls.newHandler(ch.alloc()));
              }
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new KibHandler());
            }
          }).bind(any).sync().channel();
    } catch (InterruptedException | RuntimeException e) {
      httpLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      httpBoss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("HTTP bench server did not start on " + any, e);
    }
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

  /** Answers every request with 200 and 1 KiB, on the connection's event loop. */
  private final class KibHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      if (tls != null) {
        count(httpPeers, httpSessions, tls.engine().getSession());
      }
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(KIB));
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, KIB.length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive && !request.protocolVersion().isKeepAliveDefault()) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      Runnable answer = () -> {
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
          written.addListener(ChannelFutureListener.CLOSE);
        }
      };
      if (request.uri().endsWith("?" + HOLD)) {
        ctx.executor().schedule(answer, HOLD_MS, TimeUnit.MILLISECONDS);
      } else {
        answer.run();
      }
    }
  }

  private NettyServerBuilder serverBuilder(NettyServerBuilder b) {
    return b.bossEventLoopGroup(grpcBoss).workerEventLoopGroup(grpcWorkers).executor(grpcPool)
        .channelType(serverChannel());
  }

  /** The server socket type matching {@link #eventLoops}. */
  private static Class<? extends ServerChannel> serverChannel() {
    return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
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
  private static final long HOLD_MS = 20;

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
    return ((InetSocketAddress) http.localAddress()).getPort();
  }

  int grpcPort() {
    return grpc.getPort();
  }

  @Override
  public void close() {
    grpc.shutdownNow();
    http.close().syncUninterruptibly();
    httpLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    httpBoss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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
