package dev.meshwork.http.internal;

import com.google.common.net.InetAddresses;
import dev.meshwork.core.engine.Mesh;
import dev.meshwork.core.telemetry.ClientObservation;
import java.io.IOException;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Routes requests whose host is a mesh service through the engine; every other request passes
 * through untouched. Mesh calls are observed (metrics, a client span with one child span per
 * attempt, the access log) as the mesh's telemetry options say; each attempt carries W3C
 * {@code traceparent}/{@code tracestate}/{@code baggage} headers naming its own span. Must be the last application interceptor: mesh calls are completed here and
 * do not continue down the chain.
 */
public final class MeshInterceptor implements Interceptor {
  private final Mesh mesh;
  private final Supplier<OkHttpClient> raw;
  private final EndpointUrls urls = new EndpointUrls();
  private volatile MeshTlsClients clients;
  private Authority lastAuthority; // plain field: immutable value, a stale read only costs a rebuild

  private record Authority(String host, int port, String service) {}

  /**
   * @param raw the client attempts are sent with: the application's client without this
   *     interceptor (same pool, dispatcher, network interceptors)
   */
  public MeshInterceptor(Mesh mesh, Supplier<OkHttpClient> raw) {
    this.mesh = mesh;
    this.raw = raw;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    String service = service(url);
    if (service == null) {
      return chain.proceed(request);
    }
    OkHttpMeshRequest meshRequest = new OkHttpMeshRequest(request);
    ClientObservation observation = ClientObservation.noop();
    if (mesh.telemetry().enabled()) {
      String query = meshRequest.query();
      observation = mesh.telemetry().startClient("http", url.host(), request.method(),
          query == null ? meshRequest.path() : meshRequest.path() + "?" + query);
    }
    // The engine ends the observation; each attempt's span context goes out in its own headers.
    return mesh.call(service, meshRequest, new OkHttpAttempt(clients(), urls, request, service, chain), observation);
  }

  /**
   * The mesh service {@code url} names ({@code host}, or {@code host:port} unless 80), or null.
   * Only {@code http://} URLs: an {@code https://} URL is TLS the application does itself, with
   * its own trust, end to end, which the mesh passes through as Istio's sidecar does (routing it
   * to a mesh endpoint would send it in cleartext, or present the workload's identity instead).
   */
  private String service(HttpUrl url) throws IOException {
    if (url.isHttps()) {
      return null;
    }
    String host = url.host();
    int port = url.port();
    Authority last = lastAuthority;
    if (last == null || port != last.port() || !host.equals(last.host())) {
      if (InetAddresses.isInetAddress(host)) {
        return null;
      }
      // Remembered so that a caller calling one service does not format host:port on every call.
      last = new Authority(host, port, port == 80 ? host : host + ":" + port);
      lastAuthority = last;
    }
    return mesh.isMeshService(last.service()) ? last.service() : null;
  }

  private MeshTlsClients clients() {
    MeshTlsClients c = clients;
    if (c == null) { // benign race: two equal instances, one kept
      c = new MeshTlsClients(AttemptTimeouts.attemptClient(raw.get()), mesh.identity().orElse(null));
      clients = c;
    }
    return c;
  }
}
