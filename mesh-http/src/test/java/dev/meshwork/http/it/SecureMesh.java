package dev.meshwork.http.it;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.meshwork.controlplane.ControlPlane;
import dev.meshwork.core.MeshRegistration;
import dev.meshwork.core.MeshSettings;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.engine.MeshOptions;
import dev.meshwork.core.identity.IdentityOptions;
import dev.meshwork.core.identity.MeshIdentity;
import dev.meshwork.core.identity.SpiffePeers;
import dev.meshwork.core.inbound.AuthzDecision;
import dev.meshwork.core.inbound.InboundRequest;
import dev.meshwork.core.inbound.InboundTls;
import dev.meshwork.core.inbound.MeshInbound;
import dev.meshwork.grpc.MeshServers;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A mesh with identity on loopback: the real control plane with its CA (a temp CA directory, join
 * tokens {@code <sa>-token} for productpage, reviews, ratings and details), workloads whose
 * {@link Mesh} obtains certificates from it, a gRPC xDS server ({@link MeshServers}) and an HTTPS
 * server built from mesh-core's inbound pieces (the workload's {@code SSLContext}, the peer's
 * SPIFFE ID, {@link MeshInbound}'s policy check) the way the Spring starter will wire them.
 */
final class SecureMesh implements AutoCloseable {
  static final List<String> WORKLOADS = List.of("productpage", "reviews", "ratings", "details");
  static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("test.Echo/Who")
      .setRequestMarshaller(new Utf8())
      .setResponseMarshaller(new Utf8())
      .build();
  /** The caller's certificate serial as the gRPC server saw it (handed from interceptor to handler). */
  private static final io.grpc.Context.Key<String> PEER_SERIAL = io.grpc.Context.key("peer-serial");

  final Path config;
  final Path caDir;
  final Duration maxTtl;
  volatile ControlPlane cp;
  private final List<AutoCloseable> closing = new ArrayList<>();

  SecureMesh(Path tmp, Duration maxTtl) throws IOException {
    this.config = Files.createDirectories(tmp.resolve("config"));
    this.caDir = tmp.resolve("ca");
    this.maxTtl = maxTtl;
    this.cp = controlPlane(0, Duration.ZERO);
  }

  /** (Re)starts the control plane on {@code port} (0: ephemeral) with the same CA directory. */
  ControlPlane controlPlane(int port, Duration registryWarmup) throws IOException {
    ControlPlane.Builder b = ControlPlane.builder().configDirectory(config).xdsPort(port).adminPort(0)
        .caDirectory(caDir).maxCertificateTtl(maxTtl).defaultCertificateTtl(maxTtl).registryWarmup(registryWarmup);
    for (String w : WORKLOADS) {
      b.joinToken(w + "-token", "default", w);
    }
    return b.start();
  }

  MeshSettings settings(String workload) {
    return MeshSettings.builder().controlPlane(cp.xdsTarget()).service(workload)
        .instanceId(workload + "-" + System.nanoTime()).identityToken(workload + "-token").build();
  }

  /** A workload's mesh (its certificate obtained before this returns). */
  Mesh workload(String name) {
    return workload(settings(name));
  }

  Mesh workload(MeshSettings s) {
    Mesh m = Mesh.start(s, MeshOptions.DEFAULTS.withIdentity(IdentityOptions.builder().requestedTtl(maxTtl).build()));
    closing.add(m);
    return m;
  }

  void apply(String file, String yaml) throws IOException {
    var before = cp.configStatus();
    Path staged = Files.writeString(Files.createTempFile(config.getParent(), "cfg", ".tmp"), yaml);
    Files.move(staged, config.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    HttpMesh.await("config applied", () -> cp.configStatus().version() > before.version()
        || (cp.configStatus().rejectedAt() != null && !cp.configStatus().rejectedAt().equals(before.rejectedAt())), 5_000);
    if (cp.configStatus().version() == before.version()) {
      throw new AssertionError("config rejected: " + cp.configStatus().errors());
    }
  }

  /**
   * A gRPC xDS server for the mesh's workload answering {@code test.Echo/Who} with
   * "{@code <name>|<caller's certificate serial, hex>}", registered in the registry.
   */
  Server grpcServer(Mesh mesh, String name) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ServerInterceptor serial = new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        io.grpc.Context ctx = io.grpc.Context.current().withValue(PEER_SERIAL, serialOf(session));
        return io.grpc.Contexts.interceptCall(ctx, call, headers, next);
      }
    };
    ServerServiceDefinition def = ServerServiceDefinition.builder("test.Echo")
        .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(name + "|" + PEER_SERIAL.get());
          out.onCompleted();
        }))
        .build();
    Server server = MeshServers.forPort(mesh, port, Map.of("app", mesh.settings().service()))
        .addService(ServerInterceptors.intercept(def, serial)).build().start();
    closing.add(() -> server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS));
    register(mesh.settings(), port);
    return server;
  }

  /**
   * An HTTPS server as the starter will wire one; answers "{@code <name>|<caller serial>}" or 403,
   * after {@code <ms>} milliseconds for paths {@code /slow/<ms>}.
   */
  HttpsServer httpServer(Mesh mesh, String name) throws IOException {
    MeshIdentity identity = mesh.identity().orElseThrow();
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    int port = server.getAddress().getPort();
    MeshInbound inbound = MeshInbound.start(mesh.settings(), port, Map.of("app", mesh.settings().service()));
    closing.add(inbound);
    server.setHttpsConfigurator(new HttpsConfigurator(identity.sslContext()) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = identity.sslContext().getDefaultSSLParameters();
        p.setNeedClientAuth(inbound.tlsMode() == InboundTls.MTLS_REQUIRED);
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/", exchange -> {
      SSLSession session = ((HttpsExchange) exchange).getSSLSession();
      String peer = SpiffePeers.peerId(session).map(Object::toString).orElse(null);
      InboundRequest request = InboundRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().toString())
          .withPeer(peer);
      AuthzDecision d = inbound.check(request);
      String path = exchange.getRequestURI().getPath();
      if (path.startsWith("/slow/")) {
        try {
          Thread.sleep(Long.parseLong(path.substring("/slow/".length())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = (d.allowed() ? name + "|" + serialOf(session) : "RBAC: access denied").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(d.allowed() ? 200 : 403, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    closing.add(() -> server.stop(0));
    register(mesh.settings(), port);
    return server;
  }

  private void register(MeshSettings s, int port) {
    MeshRegistration reg = MeshRegistration.register(s, "127.0.0.1", port, Map.of("app", s.service()),
        Duration.ofSeconds(3));
    closing.add(reg);
  }

  static String serialOf(SSLSession session) {
    try {
      return session == null ? "plaintext" : ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber().toString(16);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return "no-certificate";
    }
  }

  static String serialOf(MeshIdentity identity) {
    return identity.currentCertificate().getSerialNumber().toString(16);
  }

  @Override
  public void close() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    cp.close();
  }

  /** UTF-8 strings as gRPC messages, for test services without generated code. */
  static final class Utf8 implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
