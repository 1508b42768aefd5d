package dev.meshwork.http.internal;

import dev.meshwork.core.engine.Attempt;
import dev.meshwork.core.engine.Upstream;
import dev.meshwork.core.telemetry.AttemptObservation;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's attempts, each to the picked endpoint's address with the service name kept in
 * {@code Host}. A plaintext attempt without a per-try timeout continues down the caller's own
 * interceptor chain (application interceptors may proceed more than once; no second call, so no
 * second set of call events); one with a per-try timeout, or to an mTLS endpoint (which needs the
 * client that presents the workload certificate), is its own OkHttp call, so the timeout is exact
 * and cancels only that attempt; cancelling the application's call cancels it too ({@link AttemptCalls}). Connection pooling and HTTP/2 stay OkHttp's: all attempts share
 * the client's pool. An observed
 * attempt's trace context goes out as W3C headers on that attempt's request; mirrors are sent
 * unobserved with the caller's headers only (no span of their own: they are not part of the call).
 */
final class OkHttpAttempt implements Attempt<Response> {
  private static final Logger log = LoggerFactory.getLogger(OkHttpAttempt.class);

  private final MeshTlsClients raw;
  private final EndpointUrls urls;
  private final Request original;
  private final String authority;
  private final Interceptor.Chain chain;

  /**
   * @param authority the request's host, with its port unless the scheme's default ({@code Host} header value)
   * @param chain the caller's chain at the mesh interceptor, which is the last application interceptor
   */
  OkHttpAttempt(MeshTlsClients raw, EndpointUrls urls, Request original, String authority, Interceptor.Chain chain) {
    this.raw = raw;
    this.urls = urls;
    this.original = original;
    this.authority = authority;
    this.chain = chain;
  }

  /** Sets each propagated field as a header, replacing any the application set. */
  private static final TextMapSetter<Request.Builder> HEADERS = (b, name, value) -> {
    if (b != null) {
      b.header(name, value);
    }
  };

  @Override
  public Response send(Upstream upstream, Duration timeout) throws IOException {
    return send(upstream, timeout, AttemptObservation.noop());
  }

  @Override
  public Response send(Upstream upstream, Duration timeout, AttemptObservation observation) throws IOException {
    if (abandoned()) {
      throw new IOException("Canceled");
    }
    Request.Builder request = to(upstream, hostHeader());
    if (observation.isRecording()) {
      observation.inject(request, HEADERS);
    }
    Response r;
    if (upstream.tls() == null && timeout.isZero()) {
      r = chain.proceed(request.build());
    } else {
      OkHttpClient client = raw.forUpstream(upstream);
      AttemptTimeouts timeouts = AttemptTimeouts.of(chain, client);
      if (timeouts != null) {
        request.tag(AttemptTimeouts.class, timeouts);
      }
      Call call = client.newCall(request.build());
      // The attempt's own timeout, bounded by the application call's (its client's, or set on the
      // call): that one stops covering the exchange once this interceptor has returned (the
      // application's call has none), so the attempt keeps it as a bound on the body too.
      long app = chain.call().timeout().timeoutNanos();
      long own = timeout.toNanos();
      call.timeout().timeout(app == 0 ? own : own == 0 ? app : Math.min(app, own), TimeUnit.NANOSECONDS);
      r = AttemptCalls.execute(chain.call(), call);
    }
    // Callers see their own request, not the endpoint address it went to.
    return r.newBuilder().request(original).build();
  }

  @Override
  public int status(Response response) {
    return response.code();
  }

  @Override
  public void discard(Response response) {
    response.close();
  }

  @Override
  public Response synthesize(int httpStatus, String reason) {
    return new Response.Builder()
        .request(original)
        .protocol(Protocol.HTTP_1_1)
        .code(httpStatus)
        .message(reason)
        .body(ResponseBody.create(reason, okhttp3.MediaType.get("text/plain")))
        .build();
  }

  @Override
  public void mirror(Upstream upstream) {
    if (!replayable() || original.body() != null && original.body().isDuplex()) {
      // Envoy buffers the body to shadow it; a one-shot body can be written once, for the caller.
      log.debug("mirror to {} not sent: the request body is one-shot", upstream);
      return;
    }
    OkHttpClient client;
    try {
      client = raw.forUpstream(upstream);
    } catch (IOException e) {
      log.debug("mirror to {} not sent: {}", upstream, e.getMessage());
      return;
    }
    client.newCall(to(upstream, shadow(hostHeader())).build()).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        log.debug("mirror to {} failed: {}", upstream, e.toString());
      }

      @Override
      public void onResponse(Call call, Response response) {
        response.close();
      }
    });
  }

  @Override
  public boolean replayable() {
    return original.body() == null || !original.body().isOneShot();
  }

  @Override
  public boolean abandoned() {
    return chain.call().isCanceled();
  }

  /** Envoy's shadow authority: {@code -shadow} after the host, before any port ({@code reviews-shadow:8080}). */
  static String shadow(String authority) {
    int colon = authority.lastIndexOf(':');
    int bracket = authority.lastIndexOf(']');
    boolean port = colon > bracket && (bracket >= 0 || authority.indexOf(':') == colon);
    return port ? authority.substring(0, colon) + "-shadow" + authority.substring(colon) : authority + "-shadow";
  }

  private String hostHeader() {
    String h = original.header("Host");
    return h != null ? h : authority;
  }

  private Request.Builder to(Upstream upstream, String host) {
    return original.newBuilder().url(urls.to(original.url(), upstream)).header("Host", host);
  }
}
